// On Windows the .exe carries its name, version and icon (Explorer: 属性 → 详细信息), as the
// desktop program's does through tauri-build. Other targets need nothing.
fn main() {
    println!("cargo:rerun-if-changed=../icons/icon.ico");
    if std::env::var("CARGO_CFG_TARGET_OS").as_deref() != Ok("windows") {
        return;
    }
    let mut resource = tauri_winres::WindowsResource::new();
    resource
        .set_icon("../icons/icon.ico")
        .set("ProductName", "学时台账 CE Ledger")
        .set("FileDescription", "学时台账命令行工具 ce-ledger")
        .set("OriginalFilename", "ce-ledger.exe")
        .set("InternalName", "ce-ledger")
        .set("CompanyName", "CE Ledger");
    resource
        .compile()
        .expect("the Windows resource (version, icon) of ce-ledger.exe");
}
