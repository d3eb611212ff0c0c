use maud::html;

fn main() {
    html! {
        p
    };
}
