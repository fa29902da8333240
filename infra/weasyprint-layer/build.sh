#!/usr/bin/env bash
# Builds build/weasyprint-layer.zip: WeasyPrint for the contract PDF function (python3.12, x86_64).
# Docker-free: run it on Amazon Linux 2023 x86_64 — the OS of Lambda's python3.12 runtime — in
# CodeBuild (buildspec.yml beside this file) or on any AL2023 EC2 instance, from the repository root:
#
#     sudo dnf install -y pango harfbuzz fontconfig freetype fribidi glib2 \
#         dejavu-sans-fonts dejavu-serif-fonts findutils zip python3.12 python3.12-pip
#     bash infra/weasyprint-layer/build.sh
#
# Layout of the zip (Lambda unpacks it under /opt): python/ (on sys.path), lib/ (on LD_LIBRARY_PATH,
# after the OS's own libraries), fonts/ (FONTCONFIG_PATH=/opt/fonts, set in .chalice/config.json).
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
out="$root/build/weasyprint-layer"
zip_file="$root/build/weasyprint-layer.zip"
python="${PYTHON:-python3.12}"

grep -q '^PLATFORM_ID="platform:al2023"' /etc/os-release \
  || { echo "error: run this on Amazon Linux 2023 (the libraries must match Lambda's python3.12 OS)" >&2; exit 1; }
[ "$(uname -m)" = x86_64 ] || { echo "error: build on x86_64 (the function's architecture)" >&2; exit 1; }
"$python" -c 'import sys; sys.exit(sys.version_info[:2] != (3, 12))' 2>/dev/null \
  || { echo "error: $python must be CPython 3.12 (the smoke test loads the cp312 wheels); set PYTHON=…" >&2; exit 1; }

rm -rf "$out" "$zip_file"
mkdir -p "$out/python" "$out/lib" "$out/fonts"

# 1. Python packages: wheels only (nothing compiled here), for CPython 3.12 on manylinux x86_64,
#    exactly the pinned closure.
"$python" -m pip install --quiet --no-deps --only-binary=:all: --implementation cp --python-version 3.12 \
  --platform manylinux2014_x86_64 --platform manylinux_2_28_x86_64 \
  --target "$out/python" -r "$here/requirements.txt"
find "$out/python" -name __pycache__ -prune -exec rm -rf {} +
rm -rf "$out/python/bin"

# 2. The libraries WeasyPrint opens by name through cffi, and everything they link to except glibc
#    itself (Lambda's OS has glibc; anything else it also has wins, /opt/lib comes last on the path).
for lib in libgobject-2.0.so.0 libpango-1.0.so.0 libpangoft2-1.0.so.0 libharfbuzz.so.0 \
           libharfbuzz-subset.so.0 libfontconfig.so.1; do
  path="$(/sbin/ldconfig -p | awk -v l="$lib" '$1 == l {print $NF; exit}')"
  [ -n "$path" ] || { echo "error: $lib is not installed (see the dnf line above)" >&2; exit 1; }
  cp -Ln "$path" "$out/lib/$lib"
  ldd "$path" | awk '/=> \// {print $1, $3}' \
    | grep -vE '^(libc|libm|libdl|libpthread|librt|libresolv|ld-linux[^ ]*)\.so' \
    | while read -r name target; do cp -Ln "$target" "$out/lib/$name"; done
done
if LD_LIBRARY_PATH="$out/lib" ldd "$out"/lib/*.so* | grep -q 'not found'; then
  echo "error: a bundled library misses a dependency:" >&2
  LD_LIBRARY_PATH="$out/lib" ldd "$out"/lib/*.so* | grep 'not found' >&2
  exit 1
fi

# 3. Fonts: DejaVu (Latin and Cyrillic) as the fallback; the contract embeds its own fonts
#    (templates/static/fonts/). Fontconfig caches in /tmp, the only writable place in Lambda.
cp /usr/share/fonts/dejavu-sans-fonts/*.ttf /usr/share/fonts/dejavu-serif-fonts/*.ttf "$out/fonts/"
cat > "$out/fonts/fonts.conf" <<'CONF'
<?xml version="1.0"?>
<!DOCTYPE fontconfig SYSTEM "fonts.dtd">
<fontconfig><dir>/opt/fonts</dir><cachedir>/tmp/fontconfig-cache</cachedir></fontconfig>
CONF

# 4. Smoke test: only the layer's Python and libraries (the OS's fonts config is swapped for ours),
#    a Cyrillic page and the fee in words.
smoke="$(mktemp -d)"
sed "s|/opt/fonts|$out/fonts|; s|/tmp/fontconfig-cache|$smoke/cache|" "$out/fonts/fonts.conf" > "$smoke/fonts.conf"
env -i PATH=/usr/bin:/bin HOME="$smoke" PYTHONPATH="$out/python" LD_LIBRARY_PATH="$out/lib" \
  FONTCONFIG_FILE="$smoke/fonts.conf" "$python" -I -c '
import sys
sys.path.insert(0, sys.argv[1])
import weasyprint, num2words
pdf = weasyprint.HTML(string="<h1>Договор № 1</h1><p>Реклама. erid: 2VtzqxKf7Hb</p>").write_pdf()
assert pdf.startswith(b"%PDF-"), "no PDF"
print("weasyprint", weasyprint.__version__, "ok:", len(pdf), "bytes;",
      num2words.num2words(150000, lang="ru", to="currency", currency="RUB"))
' "$out/python"
rm -rf "$smoke"

# 5. The zip, its checksum and size (a layer plus the function must stay under 250 MB unzipped;
#    a zip over 50 MB is published from S3, see README.md).
(cd "$out" && zip -qr9X "$zip_file" python lib fonts)
(cd "$root/build" && sha256sum weasyprint-layer.zip > weasyprint-layer.zip.sha256)
echo "built $(du -h "$zip_file" | cut -f1) zip, $(du -sh "$out" | cut -f1) unzipped: $zip_file"
cat "$root/build/weasyprint-layer.zip.sha256"
