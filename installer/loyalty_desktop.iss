; Inno Setup script for Loyalty Desktop (Inno Setup 6.3 or later: x64compatible needs 6.3).
;
;   ISCC /DAppVersion=0.1.0 /DSourceDir=..\dist\LoyaltyDesktop /O..\dist installer\loyalty_desktop.iss
;
; installer/build.py runs this on Windows after PyInstaller. Per-user install, no admin prompt:
; the app goes to %LOCALAPPDATA%\Programs\LoyaltyDesktop, shortcuts to the user's Start menu (and an
; optional desktop shortcut). The customer database lives elsewhere (%LOCALAPPDATA%\LoyaltyDesktop),
; so upgrades never touch it; the uninstaller asks before deleting it and the default answer keeps it.

#ifndef AppVersion
  #define AppVersion "0.1.0"
#endif
#ifndef SourceDir
  #define SourceDir "..\dist\LoyaltyDesktop"
#endif
#define AppName "Loyalty Desktop"
#define AppExe "LoyaltyDesktop.exe"
#define DataDir "{localappdata}\LoyaltyDesktop"

[Setup]
; The AppId identifies the app across versions: never change it (upgrades install in place).
AppId={{6B1F2C3A-8E54-4C1D-9A7B-2F0D5E9C4B17}
AppName={#AppName}
AppVersion={#AppVersion}
AppVerName={#AppName} {#AppVersion}
AppPublisher=Loyalty Desktop
VersionInfoVersion={#AppVersion}
VersionInfoProductName={#AppName}
VersionInfoDescription={#AppName} Setup
; Per-user install without elevation.
PrivilegesRequired=lowest
PrivilegesRequiredOverridesAllowed=
DefaultDirName={localappdata}\Programs\LoyaltyDesktop
UsePreviousAppDir=yes
DisableDirPage=auto
DefaultGroupName={#AppName}
DisableProgramGroupPage=yes
ArchitecturesAllowed=x64compatible
ArchitecturesInstallIn64BitMode=x64compatible
MinVersion=10.0
OutputBaseFilename=LoyaltyDesktop-Setup-{#AppVersion}
SetupIconFile=..\resources\icons\app.ico
UninstallDisplayIcon={app}\{#AppExe}
UninstallDisplayName={#AppName}
WizardStyle=modern
Compression=lzma2/max
SolidCompression=yes
; A running Loyalty Desktop must be closed before an upgrade or an uninstall: the app holds this mutex
; while it runs (loyalty_desktop/ui/single_instance.py, APP_MUTEX), and Setup/Uninstall ask the user to
; close it. Restart Manager (CloseApplications) offers to close it for an upgrade as well.
AppMutex=LoyaltyDesktop.Running
CloseApplications=yes
RestartApplications=no
ShowLanguageDialog=auto
LanguageDetectionMethod=uilanguage

[Languages]
; Vietnamese first (the default on a Vietnamese Windows). Inno Setup ships no official Vietnamese
; file: installer/Vietnamese.isl holds our translation, layered over the English defaults so any
; message it lacks still shows (in English) instead of failing the build.
Name: "vietnamese"; MessagesFile: "compiler:Default.isl,Vietnamese.isl"
Name: "english"; MessagesFile: "compiler:Default.isl"

[CustomMessages]
english.AskDeleteData=Also delete your customer data (database, backups, logs and settings) in%n%1?%n%nChoose No to keep it: installing Loyalty Desktop again will open it as before.
english.DataKept=Your customer data was kept in:%n%1
english.StartMenuHelp=Loyalty Desktop

[Tasks]
Name: "desktopicon"; Description: "{cm:CreateDesktopIcon}"; GroupDescription: "{cm:AdditionalIcons}"; Flags: unchecked

[InstallDelete]
; An upgrade replaces the whole bundle: files of the previous version must not linger.
Type: filesandordirs; Name: "{app}\_internal"

[Files]
Source: "{#SourceDir}\{#AppExe}"; DestDir: "{app}"; Flags: ignoreversion
Source: "{#SourceDir}\_internal\*"; DestDir: "{app}\_internal"; Flags: ignoreversion recursesubdirs createallsubdirs

[Icons]
Name: "{autoprograms}\{#AppName}"; Filename: "{app}\{#AppExe}"; WorkingDir: "{app}"
Name: "{autodesktop}\{#AppName}"; Filename: "{app}\{#AppExe}"; WorkingDir: "{app}"; Tasks: desktopicon

[Run]
Filename: "{app}\{#AppExe}"; Description: "{cm:LaunchProgram,{#AppName}}"; Flags: nowait postinstall skipifsilent

[UninstallDelete]
; Only what the app itself wrote inside its program folder (nothing there holds customer data).
Type: filesandordirs; Name: "{app}\_internal\__pycache__"

[Code]
{ The customer database is never deleted silently: a silent uninstall keeps it, and the question
  defaults to "No" (keep). }
procedure CurUninstallStepChanged(CurUninstallStep: TUninstallStep);
var
  DataPath: String;
begin
  if CurUninstallStep <> usPostUninstall then
    exit;
  DataPath := ExpandConstant('{#DataDir}');
  if not DirExists(DataPath) then
    exit;
  if UninstallSilent() then
    exit;
  if MsgBox(FmtMessage(CustomMessage('AskDeleteData'), [DataPath]),
            mbConfirmation, MB_YESNO or MB_DEFBUTTON2) = IDYES then
  begin
    DelTree(DataPath, True, True, True);
    { The settings the app keeps in the registry (QSettings "LoyaltyDesktop"): language, window, last folders. }
    RegDeleteKeyIncludingSubkeys(HKEY_CURRENT_USER, 'Software\LoyaltyDesktop');
  end
  else
    MsgBox(FmtMessage(CustomMessage('DataKept'), [DataPath]), mbInformation, MB_OK);
end;
