use maud::html;

fn main() {
    html! {
        if {}
    };
}
