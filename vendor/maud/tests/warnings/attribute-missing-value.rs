use maud::html;

fn main() {
    html! {
        a href=
    };
}
