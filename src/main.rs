fn main() {
    std::process::exit(hydrant::cli::main());
}
