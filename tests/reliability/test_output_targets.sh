#!/usr/bin/env bash
# Regression tests for where outputs land (audit defects D2, D6, D21):
#  - `-o` onto a device, a FIFO or a symlink keeps the target's type (only
#    regular files are replaced by an atomic rename);
#  - formats that must seek (HDF5) refuse a device instead of replacing it;
#  - a stage run under nohup survives SIGHUP;
#  - temporary files left by a killed run are removed by the next run to the
#    same output when their process is gone, and only then.
# Device-node cases need root (mknod); they skip their part otherwise.
set -u
source "${S2F_SOURCE_DIR:?}/tests/lib/harness.sh"
IN=$SRC/tests/golden/view/windows.s2f
cd "$tmp"

"$BIN/s2f-view" -q "$IN" > reference.tsv || { echo "cannot read the input"; exit 1; }
# Same records as the input (headers differ: they record the command line).
same_records() { "$BIN/s2f-view" -q "$1" 2>/dev/null | cmp -s - reference.tsv; }

# --- devices: a private node of /dev/null's device first, then /dev/null itself
if [[ $(id -u) == 0 ]] && mknod null_dev c 1 3 2>/dev/null; then
  "$BIN/s2f-view" -q --s2f -o null_dev "$IN" && [[ -c null_dev ]] \
    && pass "-o onto a character device keeps it a device" || fail "-o onto a character device keeps it a device"
  if [[ -c null_dev ]]; then
    "$BIN/s2f-view" -q --s2f -o /dev/null "$IN" && [[ -c /dev/null ]] \
      && pass "-o /dev/null keeps /dev/null" || fail "-o /dev/null keeps /dev/null"
  fi
  "$BIN/s2f-view" -q --hdf5 null_dev "$IN" 2> h5.err; rc=$?
  [[ $rc == 2 && -c null_dev ]] && grep -q "not a regular file" h5.err \
    && pass "--hdf5 onto a device is refused and the device kept" || fail "--hdf5 onto a device (exit $rc: $(cat h5.err))"
else
  echo "skip device cases (not root)"
fi

# --- FIFO: the reader gets the stream, the FIFO stays a FIFO
mkfifo pipe
cat pipe > from_pipe.s2f &
reader=$!
"$BIN/s2f-view" -q --s2f -o pipe "$IN"; rc=$?
wait $reader
[[ $rc == 0 && -p pipe ]] && same_records from_pipe.s2f \
  && pass "-o onto a FIFO writes through it and keeps it" || fail "-o onto a FIFO (exit $rc)"

# --- symlinks: the link is kept and its destination replaced; a dangling
# link's destination is created
mkdir real
echo old > real/out.s2f
ln -s real/out.s2f link.s2f
"$BIN/s2f-view" -q --s2f -o link.s2f "$IN" && [[ -L link.s2f ]] && same_records real/out.s2f \
  && pass "-o onto a symlink keeps the link, replaces its destination" || fail "-o onto a symlink"
ln -s real/new.s2f dangling.s2f
"$BIN/s2f-view" -q --s2f -o dangling.s2f "$IN" && [[ -L dangling.s2f ]] && same_records real/new.s2f \
  && pass "-o onto a dangling symlink creates its destination" || fail "-o onto a dangling symlink"

# --- nohup: SIGHUP is ignored as nohup asked; the run completes
mkfifo slow_in
nohup "$BIN/s2f-view" -q --s2f -o nohup_out.s2f slow_in > /dev/null 2> nohup.err &
stage=$!
sleep 1  # long enough for a sanitizer build to start and install its handlers
kill -HUP $stage 2>/dev/null
cat "$IN" > slow_in
wait $stage; rc=$?
[[ $rc == 0 ]] && same_records nohup_out.s2f \
  && pass "a stage under nohup survives SIGHUP" || fail "a stage under nohup survives SIGHUP (exit $rc)"
# ... while without nohup SIGHUP still stops it and leaves no output
mkfifo slow_in2
"$BIN/s2f-view" -q --s2f -o hup_out.s2f slow_in2 2> /dev/null &
stage=$!
sleep 1
kill -HUP $stage
exec 3<> slow_in2; exec 3>&-  # unblock its open if the signal came later (read-write: never blocks)
wait $stage; rc=$?
[[ $rc != 0 && ! -e hup_out.s2f ]] && [[ -z $(ls -A | grep "^\.hup_out") ]] \
  && pass "SIGHUP without nohup stops the stage, no output, no temp" || fail "SIGHUP without nohup (exit $rc)"

# --- stale temporaries: a dead process's are removed, a live one's kept
host=$(uname -n | tr './' '__')  # gethostname(), as the writers name temporaries
sh -c 'exit 0' & dead=$!; wait $dead
echo junk > ".out.s2f.tmp.$host.$dead.AAAAAA"
echo junk > ".out.s2f.tmp.$host.$$.BBBBBB"
echo junk > ".out.s2f.tmp.otherhost.$dead.CCCCCC"
"$BIN/s2f-view" -q --s2f -o out.s2f "$IN"
[[ ! -e ".out.s2f.tmp.$host.$dead.AAAAAA" && -e ".out.s2f.tmp.$host.$$.BBBBBB" && -e ".out.s2f.tmp.otherhost.$dead.CCCCCC" ]] \
  && pass "stale temporaries of dead processes on this host are removed, others kept" \
  || fail "stale temporaries: $(ls -A | tr '\n' ' ')"

finish
