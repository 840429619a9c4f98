; The Windows installer of CE Ledger (学时台账), built with Debian's makensis by `make package-windows`.
; Per user, no administrator rights: programs under %LOCALAPPDATA%\Programs\学时台账; the ledger
; lives elsewhere (%APPDATA%\cn.celedger.desktop) and neither uninstall nor upgrade touches it.
; Defines given by the Makefile: VERSION (x.y.z), STAGE (the files to install), OUTFILE.
; Tauri's own NSIS bundler is not used: it downloads NSIS and its plugins at build time, and
; officers' builds must come out of these offline machines.

; A 64-bit installer, like the programs it carries (and Wine's 64-bit prefix in the tests runs it).
Target amd64-unicode
ManifestDPIAware true
RequestExecutionLevel user
SetCompressor /SOLID /FINAL lzma
SetCompressorDictSize 64

!include MUI2.nsh
!include FileFunc.nsh
!include LogicLib.nsh

!define PRODUCT "学时台账"
!define UNINSTALL_KEY "Software\Microsoft\Windows\CurrentVersion\Uninstall\cn.celedger.desktop"
!define WEBVIEW2_CLIENT "{F3017226-FE2A-4295-8BDF-00C3A9A7E4C5}"

Name "${PRODUCT} ${VERSION}"
OutFile "${OUTFILE}"
InstallDir "$LOCALAPPDATA\Programs\${PRODUCT}"
InstallDirRegKey HKCU "${UNINSTALL_KEY}" "InstallLocation"
BrandingText "${PRODUCT} CE Ledger ${VERSION}"

VIProductVersion "${VERSION}.0"
VIAddVersionKey /LANG=2052 "ProductName" "${PRODUCT} CE Ledger"
VIAddVersionKey /LANG=2052 "FileDescription" "${PRODUCT} 安装程序"
VIAddVersionKey /LANG=2052 "FileVersion" "${VERSION}"
VIAddVersionKey /LANG=2052 "ProductVersion" "${VERSION}"
VIAddVersionKey /LANG=2052 "CompanyName" "CE Ledger"
VIAddVersionKey /LANG=2052 "LegalCopyright" "CE Ledger"

!define MUI_ICON "${STAGE}\icon.ico"
!define MUI_UNICON "${STAGE}\icon.ico"
!define MUI_ABORTWARNING
!define MUI_FINISHPAGE_RUN "$INSTDIR\ce-ledger-desktop.exe"
!define MUI_FINISHPAGE_RUN_TEXT "打开学时台账"
!insertmacro MUI_PAGE_COMPONENTS
!insertmacro MUI_PAGE_DIRECTORY
!insertmacro MUI_PAGE_INSTFILES
!insertmacro MUI_PAGE_FINISH
!insertmacro MUI_UNPAGE_CONFIRM
!insertmacro MUI_UNPAGE_INSTFILES
!insertmacro MUI_LANGUAGE "SimpChinese"

; Microsoft's documented check: EdgeUpdate's client key has a version (pv), per machine or per user.
; The desktop program checks the same keys before it opens its window (platform.rs).
Function WebView2Present
  Push $0
  ReadRegStr $0 HKLM "SOFTWARE\WOW6432Node\Microsoft\EdgeUpdate\Clients\${WEBVIEW2_CLIENT}" "pv"
  ${If} $0 == ""
  ${OrIf} $0 == "0.0.0.0"
    ReadRegStr $0 HKLM "SOFTWARE\Microsoft\EdgeUpdate\Clients\${WEBVIEW2_CLIENT}" "pv"
  ${EndIf}
  ${If} $0 == ""
  ${OrIf} $0 == "0.0.0.0"
    ReadRegStr $0 HKCU "Software\Microsoft\EdgeUpdate\Clients\${WEBVIEW2_CLIENT}" "pv"
  ${EndIf}
  ${If} $0 == "0.0.0.0"
    StrCpy $0 ""
  ${EndIf}
  Exch $0
FunctionEnd

Function .onInit
  Call WebView2Present
  Pop $0
  ${If} $0 == ""
    MessageBox MB_OK|MB_ICONEXCLAMATION "这台电脑缺少“Microsoft Edge WebView2 运行时”（Windows 11 和 Windows 10 21H2 以后的版本已自带），没有它学时台账的窗口打不开。$\r$\n$\r$\n安装可以继续。装好后请先安装 Microsoft Edge WebView2 Runtime：可向单位信息中心索取离线安装包（“Evergreen Standalone Installer”），或在能上网的电脑上从 https://developer.microsoft.com/microsoft-edge/webview2/ 下载。$\r$\n$\r$\n命令行工具 ce-ledger 不需要它，装好即可使用。" /SD IDOK
  ${EndIf}
FunctionEnd

; A running program cannot be replaced on Windows: ask the officer to close it (nothing is lost).
; One body for the installer and the uninstaller (NSIS needs un.-prefixed copies for the latter).
!macro CLOSE_RUNNING_PROGRAM prefix
Function ${prefix}CloseRunningProgram
  retry:
  ${If} ${FileExists} "$INSTDIR\ce-ledger-desktop.exe"
    ClearErrors
    FileOpen $0 "$INSTDIR\ce-ledger-desktop.exe" a
    ${If} ${Errors}
      MessageBox MB_RETRYCANCEL|MB_ICONEXCLAMATION "学时台账正在运行。请先关闭它（台账数据不会丢失），再点“重试”。" /SD IDCANCEL IDRETRY retry
      Abort "学时台账正在运行，未做任何改动。"
    ${EndIf}
    FileClose $0
  ${EndIf}
FunctionEnd
!macroend
!insertmacro CLOSE_RUNNING_PROGRAM ""
!insertmacro CLOSE_RUNNING_PROGRAM "un."

Section "学时台账（必需）" SecProgram
  SectionIn RO
  Call CloseRunningProgram
  SetOutPath "$INSTDIR"
  File "${STAGE}\ce-ledger-desktop.exe"
  File "${STAGE}\ce-ledger.exe"
  File "${STAGE}\WebView2Loader.dll"
  File "${STAGE}\icon.ico"
  SetOutPath "$INSTDIR\fonts"
  File "${STAGE}\fonts\NotoSerifCJKsc-Regular-GBK.otf"
  SetOutPath "$INSTDIR\licenses"
  File "${STAGE}\licenses\OFL-NotoSerifCJK.txt"
  File "${STAGE}\licenses\copyright.txt"
  SetOutPath "$INSTDIR"

  WriteUninstaller "$INSTDIR\uninstall.exe"
  SetShellVarContext current
  CreateShortcut "$SMPROGRAMS\${PRODUCT}.lnk" "$INSTDIR\ce-ledger-desktop.exe" "" "$INSTDIR\icon.ico"

  ; 应用和功能 (Apps & features) lists per-user programs from HKCU.
  WriteRegStr HKCU "${UNINSTALL_KEY}" "DisplayName" "${PRODUCT} CE Ledger"
  WriteRegStr HKCU "${UNINSTALL_KEY}" "DisplayVersion" "${VERSION}"
  WriteRegStr HKCU "${UNINSTALL_KEY}" "Publisher" "CE Ledger"
  WriteRegStr HKCU "${UNINSTALL_KEY}" "DisplayIcon" "$INSTDIR\icon.ico"
  WriteRegStr HKCU "${UNINSTALL_KEY}" "InstallLocation" "$INSTDIR"
  WriteRegStr HKCU "${UNINSTALL_KEY}" "UninstallString" '"$INSTDIR\uninstall.exe"'
  WriteRegStr HKCU "${UNINSTALL_KEY}" "QuietUninstallString" '"$INSTDIR\uninstall.exe" /S'
  WriteRegDWORD HKCU "${UNINSTALL_KEY}" "NoModify" 1
  WriteRegDWORD HKCU "${UNINSTALL_KEY}" "NoRepair" 1
  ${GetSize} "$INSTDIR" "/S=0K" $0 $1 $2
  IntFmt $0 "0x%08X" $0
  WriteRegDWORD HKCU "${UNINSTALL_KEY}" "EstimatedSize" "$0"
SectionEnd

Section "桌面快捷方式" SecDesktop
  SetShellVarContext current
  CreateShortcut "$DESKTOP\${PRODUCT}.lnk" "$INSTDIR\ce-ledger-desktop.exe" "" "$INSTDIR\icon.ico"
SectionEnd

!insertmacro MUI_FUNCTION_DESCRIPTION_BEGIN
  !insertmacro MUI_DESCRIPTION_TEXT ${SecProgram} "学时台账程序、命令行工具 ce-ledger 和申报表字体。台账数据另存于 %APPDATA%\cn.celedger.desktop，卸载和升级都不会动它。"
  !insertmacro MUI_DESCRIPTION_TEXT ${SecDesktop} "在桌面上放一个“学时台账”图标。"
!insertmacro MUI_FUNCTION_DESCRIPTION_END

; Removes exactly what was installed; the ledger folder (%APPDATA%\cn.celedger.desktop), its
; evidence, backups and key are the officer's and stay.
Section "Uninstall"
  Call un.CloseRunningProgram
  Delete "$INSTDIR\ce-ledger-desktop.exe"
  Delete "$INSTDIR\ce-ledger.exe"
  Delete "$INSTDIR\WebView2Loader.dll"
  Delete "$INSTDIR\icon.ico"
  Delete "$INSTDIR\fonts\NotoSerifCJKsc-Regular-GBK.otf"
  RMDir "$INSTDIR\fonts"
  Delete "$INSTDIR\licenses\OFL-NotoSerifCJK.txt"
  Delete "$INSTDIR\licenses\copyright.txt"
  RMDir "$INSTDIR\licenses"
  Delete "$INSTDIR\uninstall.exe"
  RMDir "$INSTDIR"
  SetShellVarContext current
  Delete "$SMPROGRAMS\${PRODUCT}.lnk"
  Delete "$DESKTOP\${PRODUCT}.lnk"
  DeleteRegKey HKCU "${UNINSTALL_KEY}"
SectionEnd
