#!/usr/bin/env bash
# Runs a command with a one-node Slurm cluster on this machine, for the Slurm launcher's tests:
#   scripts/with-slurm.sh swift test --skip-build
# Needs root (it installs Debian's slurm-wlm and munge when missing, and starts munged, slurmctld and
# slurmd on localhost). The cluster's configuration file is in ARGUS_TEST_SLURM_CONF (and SLURM_CONF)
# while the command runs; the daemons and their files are removed afterwards. Where the cluster cannot
# be started, the command runs without it and the Slurm tests say they were skipped, and why.
set -uo pipefail
if [ "$(id -u)" != 0 ]; then echo "with-slurm: not root; the Slurm launcher's tests are skipped" >&2; exec "$@"; fi
if ! command -v slurmctld >/dev/null || ! command -v munged >/dev/null; then
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq slurm-wlm munge >/dev/null 2>&1 ||
    { echo "with-slurm: slurm-wlm could not be installed; the Slurm launcher's tests are skipped" >&2; exec "$@"; }
fi
dir=$(mktemp -d /tmp/argus-slurm-XXXXXX)
mkdir -p "$dir/state" "$dir/spool"
cat > "$dir/slurm.conf" <<CONF
ClusterName=argus-test
SlurmctldHost=localhost
SlurmctldPort=$((6817 + RANDOM % 1000))
SlurmdPort=$((7817 + RANDOM % 1000))
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
StateSaveLocation=$dir/state
SlurmdSpoolDir=$dir/spool
SlurmctldPidFile=$dir/slurmctld.pid
SlurmdPidFile=$dir/slurmd.pid
SlurmctldLogFile=$dir/slurmctld.log
SlurmdLogFile=$dir/slurmd.log
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
ReturnToService=2
NodeName=localhost CPUs=$(nproc) RealMemory=1000 State=UNKNOWN
PartitionName=test Nodes=localhost Default=YES MaxTime=INFINITE State=UP
CONF
started_munge=0
if ! munge -n >/dev/null 2>&1; then
  [ -f /etc/munge/munge.key ] || mungekey -c >/dev/null 2>&1 || create-munge-key >/dev/null 2>&1
  mkdir -p /run/munge && chown munge:munge /run/munge 2>/dev/null
  runuser -u munge -- /usr/sbin/munged >/dev/null 2>&1 || /usr/sbin/munged --force >/dev/null 2>&1
  started_munge=1
fi
stop() {
  for pid in "$dir/slurmd.pid" "$dir/slurmctld.pid"; do [ -f "$pid" ] && kill "$(cat "$pid")" 2>/dev/null; done
  [ "$started_munge" = 1 ] && pkill -x munged 2>/dev/null
  sleep 0.5
  rm -rf "$dir"
}
trap stop EXIT
export SLURM_CONF="$dir/slurm.conf"
if /usr/sbin/slurmctld -f "$SLURM_CONF" >/dev/null 2>&1 && /usr/sbin/slurmd -f "$SLURM_CONF" >/dev/null 2>&1; then
  for _ in $(seq 1 50); do sinfo --noheader -o %t 2>/dev/null | grep -q idle && break; sleep 0.2; done
fi
if sinfo --noheader -o %t 2>/dev/null | grep -q idle; then
  export ARGUS_TEST_SLURM_CONF="$SLURM_CONF"
  echo "with-slurm: a one-node Slurm cluster (localhost) for the launcher's tests" >&2
else
  echo "with-slurm: the cluster did not come up; the Slurm launcher's tests are skipped" >&2
  tail -5 "$dir"/*.log >&2 2>/dev/null
fi
"$@"
