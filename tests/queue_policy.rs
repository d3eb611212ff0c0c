//! Simulations of the scheduling policy over simulated days: pure, fast, no Nix.
use hydrant::queue::policy::{JobsetId, Policy, QueuedBuild, SystemId, CATCH_UP_CREDIT};
use std::cmp::Reverse;
use std::collections::BinaryHeap;

const HOUR: f64 = 3600.0;

/// A jobset in a simulation: shares, build length, when it starts having builds.
struct Sim {
    shares: u32,
    len: f64,
    from: f64,
}

/// Runs `slots` slots saturated by the jobsets (each always has queued builds once it started)
/// until `end`; returns per jobset the machine seconds used in [measure_from, end].
fn simulate(
    p: &mut Policy,
    jobsets: &[Sim],
    slots: usize,
    end: f64,
    measure_from: f64,
) -> Vec<f64> {
    let s: SystemId = p.add_system();
    let ids: Vec<JobsetId> = jobsets.iter().map(|j| p.add_jobset(j.shares)).collect();
    let mut next_id = 1u64;
    let mut started = vec![false; jobsets.len()];
    let mut used = vec![0.0; jobsets.len()];
    // (Reverse(finish time), build id, jobset index, start)
    let mut running: BinaryHeap<(Reverse<u64>, u64, usize, u64)> = BinaryHeap::new();
    let mut now = 0.0f64;
    let mut by_id = std::collections::HashMap::new();
    loop {
        // Jobsets that start now flood the queue (kept topped up to 50 queued builds).
        for (i, j) in jobsets.iter().enumerate() {
            if j.from <= now {
                let want = if started[i] { 1 } else { 50 };
                started[i] = true;
                for _ in 0..want {
                    p.enqueue(
                        QueuedBuild {
                            id: next_id,
                            jobset: ids[i],
                            system: s,
                            priority: 100,
                            globalpriority: 0,
                        },
                        now,
                    );
                    by_id.insert(next_id, i);
                    next_id += 1;
                }
            }
        }
        while running.len() < slots {
            let Some(b) = p.pick(&[s], now) else { break };
            let i = by_id[&b.id];
            let fin = now + jobsets[i].len;
            running.push((
                Reverse((fin * 1000.0) as u64),
                b.id,
                i,
                (now * 1000.0) as u64,
            ));
        }
        let Some((Reverse(fin), id, i, start)) = running.pop() else {
            break;
        };
        let (fin, start) = (fin as f64 / 1000.0, start as f64 / 1000.0);
        if fin > end {
            // Count the part inside the measured period of everything still running.
            for (_, _, i, st) in running.iter().chain(std::iter::once(&(
                Reverse(0),
                id,
                i,
                (start * 1000.0) as u64,
            ))) {
                let st = *st as f64 / 1000.0;
                used[*i] += (end - st.max(measure_from)).max(0.0);
            }
            break;
        }
        now = fin;
        p.finish(id, now);
        used[i] += (fin - start.max(measure_from)).max(0.0);
    }
    used
}

fn fractions(used: &[f64]) -> Vec<f64> {
    let total: f64 = used.iter().sum();
    used.iter().map(|u| 100.0 * u / total).collect()
}

#[test]
fn shares_100_vs_900_split_10_90() {
    let mut p = Policy::new();
    let js = [
        Sim {
            shares: 100,
            len: 60.0,
            from: 0.0,
        },
        Sim {
            shares: 900,
            len: 60.0,
            from: 0.0,
        },
    ];
    let f = fractions(&simulate(&mut p, &js, 4, 24.0 * HOUR, 0.0));
    assert!(
        (f[0] - 10.0).abs() <= 2.0 && (f[1] - 90.0).abs() <= 2.0,
        "{f:?}"
    );
}

#[test]
fn three_jobsets_different_lengths_converge_to_shares() {
    let mut p = Policy::new();
    let js = [
        Sim {
            shares: 100,
            len: 30.0,
            from: 0.0,
        },
        Sim {
            shares: 300,
            len: 600.0,
            from: 0.0,
        },
        Sim {
            shares: 600,
            len: 120.0,
            from: 0.0,
        },
    ];
    let f = fractions(&simulate(&mut p, &js, 4, 24.0 * HOUR, 0.0));
    for (got, want) in f.iter().zip([10.0, 30.0, 60.0]) {
        assert!((got - want).abs() <= 3.0, "{f:?}");
    }
}

#[test]
fn priority_then_oldest_inside_a_jobset() {
    let mut p = Policy::new();
    let s = p.add_system();
    let a = p.add_jobset(100);
    for (id, prio) in [(1, 100), (2, 300), (3, 100), (4, 300), (5, 50)] {
        p.enqueue(
            QueuedBuild {
                id,
                jobset: a,
                system: s,
                priority: prio,
                globalpriority: 0,
            },
            0.0,
        );
    }
    let order: Vec<u64> = std::iter::from_fn(|| p.pick(&[s], 0.0).map(|b| b.id)).collect();
    assert_eq!(order, vec![2, 4, 1, 3, 5]);
}

#[test]
fn bump_beats_shares() {
    let mut p = Policy::new();
    let s = p.add_system();
    let heavy = p.add_jobset(100);
    let light = p.add_jobset(100);
    p.charge(heavy, 10_000.0, 0.0, 1.0);
    let q = |id, js, gp| QueuedBuild {
        id,
        jobset: js,
        system: s,
        priority: 100,
        globalpriority: gp,
    };
    p.enqueue(q(1, light, 0), 1.0);
    p.enqueue(q(2, heavy, 0), 1.0);
    p.enqueue(q(3, heavy, 0), 1.0);
    p.enqueue(q(4, heavy, 0), 1.0);
    // Without a bump the light jobset goes first.
    assert_eq!(p.pick_by_full_sort(&[s], 1.0), Some(1));
    assert!(p.bump(3, 1000, 1.0));
    assert!(p.bump(4, 2000, 1.0));
    assert_eq!(p.pick(&[s], 1.0).map(|b| b.id), Some(4));
    assert_eq!(p.pick(&[s], 1.0).map(|b| b.id), Some(3));
    assert_eq!(p.pick(&[s], 1.0).map(|b| b.id), Some(1));
}

#[test]
fn idle_then_flooding_jobset_does_not_starve_others() {
    // A and B share the machine for 12 hours; C was idle and floods at noon.
    let mut p = Policy::new();
    let js = [
        Sim {
            shares: 100,
            len: 60.0,
            from: 0.0,
        },
        Sim {
            shares: 100,
            len: 60.0,
            from: 0.0,
        },
        Sim {
            shares: 100,
            len: 60.0,
            from: 12.0 * HOUR,
        },
    ];
    let slots = 4;
    // The first hour after the flood: C gets its catch-up credit, then everybody shares.
    let used = simulate(&mut p, &js, slots, 13.0 * HOUR, 12.0 * HOUR);
    let f = fractions(&used);
    let credit_share = 100.0 * CATCH_UP_CREDIT / (slots as f64 * HOUR);
    assert!(f[0] >= 33.3 - credit_share - 3.0, "A starved: {f:?}");
    assert!(f[1] >= 33.3 - credit_share - 3.0, "B starved: {f:?}");
    assert!(f[2] >= 33.3, "C got less than its share: {f:?}");
    // Without the catch-up limit the flood would take the whole hour (the naive policy).
    let mut naive = Policy::new();
    naive.set_catch_up(false);
    let f = fractions(&simulate(&mut naive, &js, slots, 13.0 * HOUR, 12.0 * HOUR));
    assert!(f[0] < 1.0 && f[2] > 98.0, "{f:?}");
}

#[test]
fn shares_change_applies_at_next_pick() {
    let mut p = Policy::new();
    let s = p.add_system();
    let a = p.add_jobset(100);
    let b = p.add_jobset(100);
    p.charge(a, 1000.0, 0.0, 0.0);
    p.charge(b, 500.0, 0.0, 0.0);
    let q = |id, js| QueuedBuild {
        id,
        jobset: js,
        system: s,
        priority: 100,
        globalpriority: 0,
    };
    p.enqueue(q(1, a), 0.0);
    p.enqueue(q(2, b), 0.0);
    assert_eq!(p.pick_by_full_sort(&[s], 0.0), Some(2));
    p.set_shares(a, 1000, 0.0);
    assert_eq!(p.pick(&[s], 0.0).map(|x| x.id), Some(1));
}

#[test]
fn running_time_counts_and_window_expires() {
    let mut p = Policy::new();
    let s = p.add_system();
    let a = p.add_jobset(100);
    let b = p.add_jobset(100);
    let q = |id, js| QueuedBuild {
        id,
        jobset: js,
        system: s,
        priority: 100,
        globalpriority: 0,
    };
    p.enqueue(q(1, a), 0.0);
    p.enqueue(q(2, a), 0.0);
    p.enqueue(q(3, b), 0.0);
    assert_eq!(p.pick(&[s], 0.0).map(|x| x.id), Some(1));
    // A's running build has used 100 s: B goes next, though nothing was charged yet.
    assert_eq!(p.charged(a), 0.0);
    assert_eq!(p.pick(&[s], 100.0).map(|x| x.id), Some(3));
    p.finish(1, 100.0);
    p.finish(3, 5000.0); // B charged 4900 s
    p.enqueue(q(4, b), 5000.0);
    assert_eq!(p.pick_by_full_sort(&[s], 5000.0), Some(2));
    // A day after A's charge it is forgotten, B's still counts.
    assert!(p.charged(a) > 0.0);
    p.expire(100.0 + 86_400.0);
    assert_eq!(p.charged(a), 0.0);
    assert_eq!(p.pick(&[s], 100.0 + 86_400.0).map(|x| x.id), Some(2));
}

/// The incremental structures make the same decision as a full sort, over random operations.
#[test]
fn same_decisions_as_full_sort() {
    let mut rng = 0x2545_f491_4f6c_dd1du64;
    let mut next = move || {
        rng ^= rng << 13;
        rng ^= rng >> 7;
        rng ^= rng << 17;
        rng
    };
    let mut p = Policy::new();
    p.set_catch_up(false);
    let systems: Vec<SystemId> = (0..2).map(|_| p.add_system()).collect();
    let jobsets: Vec<JobsetId> = (0..20).map(|i| p.add_jobset(50 + 50 * i)).collect();
    let mut now = 0.0;
    let mut running: Vec<u64> = Vec::new();
    let mut id = 0u64;
    for _ in 0..5000 {
        now += (next() % 600) as f64;
        match next() % 10 {
            0..=4 => {
                id += 1;
                p.enqueue(
                    QueuedBuild {
                        id,
                        jobset: jobsets[(next() % 20) as usize],
                        system: systems[(next() % 2) as usize],
                        priority: (next() % 3) as i32 * 100,
                        globalpriority: if next() % 20 == 0 {
                            (next() % 5) as i32 + 1
                        } else {
                            0
                        },
                    },
                    now,
                );
            }
            5 | 6 => {
                let sys: Vec<SystemId> = if next() % 2 == 0 {
                    systems.clone()
                } else {
                    vec![systems[0]]
                };
                p.expire(now);
                let want = p.pick_by_full_sort(&sys, now);
                let before = p.clone();
                let got = p.pick(&sys, now).map(|b| b.id);
                if got != want {
                    eprintln!(
                        "{}\n{}",
                        before.debug_build(got.unwrap_or(0), now),
                        p.debug_build(want.unwrap_or(0), now)
                    );
                }
                assert_eq!(got, want);
                if let Some(g) = got {
                    running.push(g);
                }
            }
            7 | 8 => {
                if !running.is_empty() {
                    let i = (next() as usize) % running.len();
                    p.finish(running.swap_remove(i), now);
                }
            }
            _ => {
                let victim = next() % (id + 1);
                if next() % 2 == 0 {
                    p.remove(victim, now);
                } else {
                    p.bump(victim, (now as i32) % 1000 + 1, now);
                }
                let js = jobsets[(next() % 20) as usize];
                p.set_shares(js, (next() % 1000) as u32 + 1, now);
            }
        }
    }
}
