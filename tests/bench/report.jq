# Aggregate tests/bench/run's per-run records (runs.ndjson, slurped) into
# results.json: one row per workload x mode with medians, and the targets.
# Arguments: $machine $config $lossless $overflow (JSON), $modes $workloads.

def median:
  map(select(. != null)) | sort |
  if length == 0 then null
  elif length % 2 == 1 then .[length / 2 | floor]
  else (.[length / 2 - 1] + .[length / 2]) / 2 end;

([ .[] | select(.rep == 0) ]) as $stats_runs
| [ .[] | select(.rep > 0) ] as $runs
| ($modes | split(" ") | map(select(length > 0))) as $mode_list
| ($workloads | split(" ") | map(select(length > 0))) as $wl_list
| [ $runs[] | select(.na == null and .error == null) ] as $ok
# events a tracer of all families reports per op, from the counted file mode
| (reduce $wl_list[] as $w ({};
     .[$w] = ([ $ok[] | select(.workload == $w and .mode == "stream-file"
                        and .ops > 0 and .delivered != null)
                | (.delivered + .lost) / .ops ] | median))) as $epo
| [ $wl_list[] as $w | $mode_list[] as $m
    | [ $runs[] | select(.workload == $w and .mode == $m) ] as $all
    | [ $ok[] | select(.workload == $w and .mode == $m) ] as $rs
    | (reduce ($ok[] | select(.workload == $w and .mode == "untraced"))
         as $b ({}; .[$b.rep | tostring] = $b.ns_per_op)) as $base
    | if ($all | length) == 0 then empty
      elif ($rs | length) == 0 then
        { workload: $w, mode: $m,
          na: ([ $all[] | .na // empty ] | first),
          error: ([ $all[] | .error // empty ] | first) }
      else
        ($rs | map(
          . as $r
          | (if $r.delivered != null then $r.delivered
             elif $r.kind == "ipcscope" and $epo[$w] != null then
               ([ $r.ops * $epo[$w] - $r.lost, 0 ] | max | floor)
             else null end) as $d
          | $r + { d: $d,
                   ratio: (if $base[$r.rep | tostring] then
                             $r.ns_per_op / $base[$r.rep | tostring] else null end),
                   added: (if $base[$r.rep | tostring] then
                             $r.ns_per_op - $base[$r.rep | tostring] else null end) })) as $x
        | { workload: $w, mode: $m, runs: ($x | length),
            kind: $x[0].kind,
            ns_per_op: ([ $x[].ns_per_op ] | median),
            spread_pct: ([ $x[].ns_per_op ] | if length > 1 then (max - min) / median * 100 else null end),
            ratio: (if $m == "untraced" then 1 else ([ $x[].ratio ] | median) end),
            added_ns_per_op: (if $m == "untraced" then 0 else ([ $x[].added ] | median) end),
            events_per_op: (if $m == "untraced" then ([ $x[] | .workload_events / .ops ] | median)
                            else ([ $x[] | select(.d != null) | (.d + .lost) / .ops ] | median) end),
            delivered_estimated: ($x[0].traced == true and $x[0].delivered == null),
            events_per_s: ([ $x[] | select(.d != null) | .d * 1e9 / .elapsed_ns ] | median),
            lost: ([ $x[].lost ] | median),
            lost_max: ([ $x[].lost ] | max),
            cpu_ns_per_event: ([ $x[] | select(.d != null and .d > 0 and .cpu_ns != null and .cpu_ns >= 0)
                                 | .cpu_ns / .d ] | median),
            cpu_ms: ([ $x[] | select(.cpu_ns != null and .cpu_ns >= 0) | .cpu_ns / 1e6 ] | median),
            hwm_kb: ([ $x[] | select(.hwm_kb != null and .hwm_kb > 0) | .hwm_kb ] | max),
            map_bytes: ([ $x[] | select(.map_bytes != null and .map_bytes >= 0) | .map_bytes ] | median),
            attach_ms: ([ $x[] | select(.traced) | .attach_ns / 1e6 ] | median),
            attach_ms_max: ([ $x[] | select(.traced) | .attach_ns / 1e6 ] | max),
            events_per_wakeup: ([ $x[] | select(.d != null and .ctxsw != null and .ctxsw > 0)
                                  | .d / .ctxsw ] | median),
            busy_before_pct: ([ $x[].busy_before_pct ] | median) }
      end ] as $rows
| def row($w; $m): first($rows[] | select(.workload == $w and .mode == $m)) // null;
  def val($w; $m; f): (row($w; $m) | if . == null or .na != null or .error != null then null else f end);
  def le($name; $v; $t; $unit):
    { target: $name, limit: "<= \($t)\($unit)", value: $v,
      met: (if $v == null then null else $v <= $t end),
      by: (if $v == null or $v <= $t then null else $v - $t end) };
  def ge($name; $v; $t; $unit):
    { target: $name, limit: ">= \($t)\($unit)", value: $v,
      met: (if $v == null then null else $v >= $t end),
      by: (if $v == null or $v >= $t then null else $t - $v end) };
  ([ $ok[] | select(.kind == "ipcscope") ]) as $ipc
| { machine: $machine, config: $config, rows: $rows,
    busy_before_pct: ([ $runs[] | .busy_before_pct // empty ] | median),
    bpf_cost: [ $stats_runs[] | select(.prog_runs != null and .prog_runs > 0 and .ops > 0)
                | . as $r
                | { workload, mode, ns_per_op,
                    prog_runs_per_op: (.prog_runs / .ops),
                    ns_per_prog_run: (.prog_run_ns / .prog_runs),
                    bpf_ns_per_op: (.prog_run_ns / .ops),
                    untraced_ns_per_op: (first($rows[] | select(.workload == $r.workload and .mode == "untraced") | .ns_per_op) // null) } ],
    lossless: $lossless, overflow: $overflow,
    targets: [
      le("1-byte ping-pong, streaming (NDJSON to /dev/null)";
         val("pipe-pingpong"; "stream-null"; .ratio); 1.10; "x untraced"),
      le("1-byte ping-pong, streaming to a file";
         val("pipe-pingpong"; "stream-file"; .ratio); 1.10; "x untraced"),
      le("1-byte ping-pong, --summary";
         val("pipe-pingpong"; "summary"; .ratio); 1.02; "x untraced"),
      le("1-byte ping-pong, filtered to an idle pid";
         val("pipe-pingpong"; "filtered-out"; .ratio); 1.01; "x untraced"),
      le("64 KiB bulk, streaming";
         val("pipe-bulk"; "stream-null"; .ratio); 1.01; "x untraced"),
      ge("added ns/op, strace -f / ipcscope (ping-pong, both to a file)";
         (val("pipe-pingpong"; "strace"; .added_ns_per_op) as $s
          | val("pipe-pingpong"; "stream-file"; .added_ns_per_op) as $i
          | if $s == null or $i == null or $i <= 0 then null else $s / $i end); 50; "x"),
      ge("added ns/op, bpftrace printf / ipcscope (ping-pong, both to a file)";
         (val("pipe-pingpong"; "bpftrace-printf"; .added_ns_per_op) as $s
          | val("pipe-pingpong"; "stream-file"; .added_ns_per_op) as $i
          | if $s == null or $i == null or $i <= 0 then null else $s / $i end); 4; "x"),
      ge("lossless event rate over \($lossless.seconds) s";
         $lossless.events_per_s; 1000000; " events/s"),
      le("collector RSS (VmHWM, largest of any ipcscope run)";
         ([ $ipc[] | select(.hwm_kb > 0) | .hwm_kb / 1024 ] | max); 16; " MiB"),
      le("time from start to attached (median of ipcscope runs)";
         ([ $ipc[] | .attach_ns / 1e9 ] | median); 0.2; " s"),
      { target: "forced overflow: delivered + lost = known events",
        limit: "exact", value: "\($overflow.delivered) + \($overflow.lost) = \($overflow.delivered + $overflow.lost) of \($overflow.known_events)",
        met: $overflow.exact, by: null }
    ] }
