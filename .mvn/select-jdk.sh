# Sourced by ./mvnw and ./attune: makes JAVA_HOME point at a JDK whose major version is 21 or newer.
# Order: JAVA_HOME as given, then the newest JDK under /usr/lib/jvm (and ~/.sdkman, /opt), then the
# java on PATH. A machine's default java may be 17, which cannot build or run Attune.

attune_jdk_major() {
  # The release file of a JDK names its version without starting a JVM.
  if [ -r "$1/release" ]; then
    sed -n 's/^JAVA_VERSION="\([0-9]*\).*/\1/p' "$1/release"
  elif [ -x "$1/bin/java" ]; then
    "$1/bin/java" -version 2>&1 | sed -n '1s/.*version "\([0-9]*\).*/\1/p'
  fi
}

attune_select_jdk() {
  if [ -n "${JAVA_HOME-}" ] && [ "$(attune_jdk_major "$JAVA_HOME")" -ge 21 ] 2>/dev/null; then
    return 0
  fi
  best="" best_major=0
  # mvnw runs with "set -f"; the search below needs globbing.
  case $- in *f*) set +f; attune_noglob=1 ;; *) attune_noglob=0 ;; esac
  for home in /usr/lib/jvm/* "$HOME"/.sdkman/candidates/java/* /opt/java/* /opt/jdk*; do
    [ -x "$home/bin/javac" ] || continue
    major=$(attune_jdk_major "$home")
    if [ -n "$major" ] && [ "$major" -ge 21 ] && [ "$major" -gt "$best_major" ]; then
      best="$home" best_major="$major"
    fi
  done
  [ "$attune_noglob" = 1 ] && set -f
  if [ -z "$best" ] && command -v javac >/dev/null 2>&1; then
    home=$(dirname "$(dirname "$(readlink -f "$(command -v javac)")")")
    major=$(attune_jdk_major "$home")
    [ -n "$major" ] && [ "$major" -ge 21 ] && best="$home"
  fi
  if [ -z "$best" ]; then
    echo "Attune needs a JDK 21 or newer. None was found in JAVA_HOME, /usr/lib/jvm or on PATH." >&2
    echo "Install one (for example: apt-get install openjdk-21-jdk) or set JAVA_HOME to it." >&2
    return 1
  fi
  JAVA_HOME="$best"
  export JAVA_HOME
}
