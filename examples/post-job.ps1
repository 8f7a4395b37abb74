# post-job.ps1: tell job-session-notifier that a Veeam Backup & Replication job session ended (BACKUP_PRODUCT=vbr).
# Set it as the job's post-job script (Job > Storage > Advanced > Scripts > "Run the following script after the job"):
#   C:\Windows\System32\WindowsPowerShell\v1.0\powershell.exe -NoProfile -ExecutionPolicy Bypass -File C:\Scripts\post-job.ps1
# Veeam starts post-job scripts from Veeam.Backup.Manager.exe with the job ID and the session ID on its command line
# (the approach VeeamNotify uses), while the session is still finishing: so this script starts a detached copy of
# itself that waits until the session has stopped, then signs the request and calls the notifier's HTTP trigger.
param(
  [string]$SessionId = '',
  [switch]$Deferred
)
$ErrorActionPreference = 'Stop'
$Url = 'https://abc123.execute-api.eu-west-1.amazonaws.com/sessions'   # the HttpApiUrl output + /sessions
$SecretFile = 'C:\ProgramData\job-session-notifier\signing-secret'     # readable by the Veeam service account only
$IdPattern = '[0-9a-fA-F]{8}-([0-9a-fA-F]{4}-){3}[0-9a-fA-F]{12}'

if (-not $Deferred) {
  if ($SessionId -eq '') {
    # The parent is Veeam.Backup.Manager.exe: its command line holds the job ID, then the session ID.
    $parentPid = (Get-CimInstance Win32_Process -Filter "ProcessId=$PID").ParentProcessId
    $parentCmd = (Get-CimInstance Win32_Process -Filter "ProcessId=$parentPid").CommandLine
    $ids = [regex]::Matches($parentCmd, $IdPattern)
    if ($ids.Count -lt 2) { throw "no job and session ID on the parent's command line: $parentCmd" }
    $SessionId = $ids[1].Value
  }
  # Return at once so Veeam can finish the session; the detached copy reports it.
  Start-Process -FilePath (Get-Command powershell.exe).Path -WindowStyle Hidden -ArgumentList @(
    '-NoProfile', '-ExecutionPolicy', 'Bypass', '-File', "`"$PSCommandPath`"", '-SessionId', $SessionId, '-Deferred')
  exit 0
}

if ($SessionId -notmatch "^$IdPattern$") { throw "not a session ID: $SessionId" }
# Wait (up to 30 minutes) until the session has stopped, so the message shows its result, not "still running".
try {
  Import-Module Veeam.Backup.PowerShell -DisableNameChecking -ErrorAction Stop
  $until = (Get-Date).AddMinutes(30)
  while ((Get-Date) -lt $until) {
    $session = Get-VBRBackupSession -Id $SessionId -ErrorAction SilentlyContinue
    if ($null -ne $session -and "$($session.State)" -eq 'Stopped') { break }
    Start-Sleep -Seconds 15
  }
} catch {
  Start-Sleep -Seconds 120   # no Veeam PowerShell module here: give the session two minutes to finish
}

$secret = (Get-Content -Raw -Path $SecretFile).Trim()
$body = '{"sessionId":"' + $SessionId + '"}'
$timestamp = [string][DateTimeOffset]::UtcNow.ToUnixTimeSeconds()
$hmac = New-Object System.Security.Cryptography.HMACSHA256 (,[Text.Encoding]::UTF8.GetBytes($secret))
$digest = $hmac.ComputeHash([Text.Encoding]::UTF8.GetBytes("$timestamp.$body"))
$signature = 'sha256=' + (($digest | ForEach-Object { $_.ToString('x2') }) -join '')
[Net.ServicePointManager]::SecurityProtocol = [Net.SecurityProtocolType]::Tls12
for ($attempt = 1; $attempt -le 4; $attempt++) {
  try {
    # A retry more than 5 minutes later would need a new signature; these retries stay well inside that.
    $answer = Invoke-RestMethod -Method Post -Uri $Url -ContentType 'application/json' -Body $body -TimeoutSec 35 `
      -Headers @{ 'X-Timestamp' = $timestamp; 'X-Signature' = $signature }
    Write-Output ($answer | ConvertTo-Json -Compress)   # {"sessionId":"…","outcome":"failed","delivered":["slack","teams"]}
    exit 0
  } catch {
    if ($attempt -eq 4) { throw }
    Start-Sleep -Seconds (5 * $attempt)
  }
}
