# hydrant's evaluation wrapper: imports a release expression, calls it with the jobset inputs
# it accepts, and describes one attribute path at a time the way hydra-eval-jobs walks a
# release. An evaluator worker (`nix repl`, see workers.rs) loads this file once and is fed
# `batch NONCE [ PATH ... ]` lines on stdin; each path yields one `trace: NONCE INDEX {json}` line on
# stderr as soon as it is evaluated, so results stream and a failing path is the one after the
# last line printed. For a flake jobset, `flake` is the locked flake (see call-flake.nix) and
# its `hydraJobs` (or, as in Hydra, `checks`) is the release. A path's record is a job, `{ children = [...]; }` for an attribute set to
# walk into, `{ }` for null, or `{ unsupported = TYPE; }`. Errors are not caught here: the repl
# prints Nix's own message and carries on with the next line.
{ releaseFile ? null, inputs ? { }, flake ? null }:
let
  inherit (builtins) attrNames filter isAttrs isFunction isList isString
    functionArgs intersectAttrs typeOf listToAttrs map head tail
    concatStringsSep mapAttrs length toJSON trace foldl' seq concatMap hasContext getContext
    substring stringLength;

  call = f: if isFunction f then f (intersectAttrs (functionArgs f) inputs) else f;

  release =
    if flake == null then call (import releaseFile)
    else flake.hydraJobs or flake.checks
      or (throw "the flake has no `hydraJobs` output (nor `checks`)");

  # Every name, a dotted one too: hydrant records that as an error of its own.
  names = v: filter (n: n != "recurseForDerivations") (attrNames v);

  isDrv = v: isAttrs v && (v.type or null) == "derivation";

  showLicense = l:
    if isList l then concatStringsSep ", " (map showLicense l)
    else if isAttrs l then (l.shortName or l.spdxId or l.fullName or "")
    else if isString l then l
    else "";

  showMaintainer = m:
    if isAttrs m then (m.email or m.github or m.name or "")
    else if isString m then m
    else "";

  intOr = d: v: if builtins.isInt v then v else d;

  # The meta fields hydrant keeps, each with how to show it. A field a job lacks is left out
  # of its record and takes hydrant's default (priority 100, timeout 36000, maxSilent 7200).
  metaFields = {
    description = d: if isString d then d else "";
    license = showLicense;
    maintainers = m: concatStringsSep ", " (filter (s: s != "")
      (map showMaintainer (if isList m then m else [ m ])));
    schedulingPriority = intOr 100;
    timeout = intOr 36000;
    maxSilent = intOr 7200;
  };

  # An aggregate job (Hydra's `_hydraAggregate = true`): `constituents` (or
  # `meta.constituents`) lists derivations, recorded by their drvPath (a string with context
  # gives the derivations in it), and names of other jobs of the eval (plain strings; glob
  # patterns with `_hydraGlobConstituents = true`), which hydrant resolves after the eval.
  isDrvPath = p: stringLength p > 4 && substring (stringLength p - 4) 4 p == ".drv";
  aggregate = drv: meta:
    let
      cs = drv.constituents or meta.constituents
        or (throw "an aggregate job (`_hydraAggregate = true`) must have a `constituents` attribute");
      list = if isList cs then cs
        else throw "`constituents` of an aggregate job must be a list, not a ${typeOf cs}";
      drvsOf = c:
        if isDrv c then [ c.drvPath ]
        else if isString c then filter isDrvPath (attrNames (getContext c))
        else throw "a constituent must be a derivation or a job name, not a ${typeOf c}";
    in {
      aggregate = true;
      constituents = concatMap drvsOf list;
      namedConstituents = filter (c: isString c && !(hasContext c)) list;
      globConstituents = (drv._hydraGlobConstituents or false) == true;
    };

  job = drv:
    let
      outs = drv.outputs or [ "out" ];
      meta = let m = drv.meta or { }; in if isAttrs m then m else { };
    in {
      drvPath = drv.drvPath;
      system = drv.system or "";
      nixname = drv.name or "";
      # One output (the common case): the derivation is that output, so no lookups.
      outputs = if length outs == 1 then { ${head outs} = drv.outPath; }
        else listToAttrs (map (o: { name = o; value = drv.${o}.outPath; }) outs);
    } // mapAttrs (k: v: metaFields.${k} v) (intersectAttrs metaFields meta)
      // (if (drv._hydraAggregate or false) == true then aggregate drv meta else { });

  # The value at a path, calling functions on the way as Hydra does.
  at = path: v: if path == [ ] then v else at (tail path) ((call v).${head path});

  record = path:
    let v = call (at path release);
    in if isDrv v then job v
    else if isAttrs v then { children = names v; }
    else if v == null then { }
    else { unsupported = typeOf v; };

  # The child names of every attribute set walked, computed once per set: a lazy mirror of
  # the release kept by Nix's import cache, so a batch can name siblings by index.
  node = v: let cv = call v; in {
    names = names cv;
    kids = mapAttrs (n: c: node c) cv;
  };
  tree = node release;
  nodeAt = path: foldl' (t: n: t.kids.${n}) tree path;

  # A batch item is a path, or `[ PARENT FROM COUNT ]` with PARENT a list: COUNT children of
  # PARENT from index FROM of its child names (what its record listed). `nix repl` reads its
  # input a byte at a time, so a run costs a few bytes instead of a name per path.
  expand = item:
    if item != [ ] && isList (head item) then
      let
        parent = head item;
        from = builtins.elemAt item 1;
        ns = (nodeAt parent).names;
      in builtins.genList (i: parent ++ [ (builtins.elemAt ns (from + i)) ])
        (builtins.elemAt item 2)
    else [ item ];
in
{
  # toJSON forces the whole record, so a job whose meta throws fails here, alone. Each record
  # carries its path's index in the batch, so a record that is lost or garbled
  # cannot shift the others onto the wrong paths.
  batch = nonce: items:
    foldl' (n: p: seq (trace "${nonce} ${toString n} ${toJSON (record p)}" null) (n + 1)) 0
      (builtins.concatMap expand items);
}
