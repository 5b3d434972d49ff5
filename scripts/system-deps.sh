#!/usr/bin/env bash
# Debian packages the test suite needs: chromium (browser tests), LibreOffice Writer/Calc without a
# GUI and poppler-utils (render tests and `make samples`: docx/xlsx -> PDF -> PNG), and CJK fonts so
# the rendered pages show Chinese, and flite (the spoken captcha of the tip-off form). Idempotent; each package is installed only when missing.
set -euo pipefail
need=()
[ -x /usr/bin/chromium ] || need+=(chromium)
command -v soffice >/dev/null 2>&1 || need+=(libreoffice-writer-nogui libreoffice-calc-nogui)
command -v pdftoppm >/dev/null 2>&1 || need+=(poppler-utils)
command -v flite >/dev/null 2>&1 || need+=(flite)  # spoken captcha of the public tip-off form
[ -d /usr/share/fonts/opentype/noto ] && ls /usr/share/fonts/opentype/noto/NotoSerifCJK* >/dev/null 2>&1 || need+=(fonts-noto-cjk)
[ ${#need[@]} -eq 0 ] && exit 0
if [ "$(id -u)" != 0 ]; then
  echo "需要 ${need[*]}：请以 root 运行 'apt-get install -y ${need[*]}'" >&2
  exit 1
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
