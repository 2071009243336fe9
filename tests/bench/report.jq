# Aggregate tests/bench/run's per-run records (runs.ndjson, slurped) into
# results.json: one row per placement x workload x mode with medians, the
# write storm, the per-tier BPF cost, and the targets with their verdicts.
# Arguments: $machine $config $storm $lossless $overflow $scrape (JSON), $tiers
# (tier-cost records, slurped), $modes $workloads.

def median:
  map(select(. != null)) | sort |
  if length == 0 then null
  elif length % 2 == 1 then .[length / 2 | floor]
  else (.[length / 2 - 1] + .[length / 2]) / 2 end;

def fixed($d):
  if . == null then "-" else
    (if . < 0 then "-" else "" end) as $sign
    | pow(10; $d) as $p
    | ((if . < 0 then -. else . end) * $p | round) as $i
    | if $d == 0 then $sign + ($i | tostring)
      else ($i / $p | floor) as $int
        | ($i - $int * $p | tostring) as $frac
        | $sign + ($int | tostring) + "." + (("0" * ($d - ($frac | length))) // "") + $frac
      end
  end;
def si:
  if . == null then "-"
  elif . >= 1e6 then (. / 1e6 | fixed(2)) + "M"
  elif . >= 1e4 then (. / 1e3 | fixed(0)) + "k"
  else fixed(0) end;

$config.placements as $places
| $places[0] as $main
| [ .[] | select(.rep > 0) ] as $runs
| ($modes | split(" ") | map(select(length > 0))) as $mode_list
| ($workloads | split(" ") | map(select(length > 0))) as $wl_list
| [ $runs[] | select(.na == null and .error == null) ] as $ok
# events a tracer of all families reports per op, from the counted file mode
| (reduce $wl_list[] as $w ({};
     .[$w] = ([ $ok[] | select(.workload == $w and .mode == "stream-file"
                        and .ops > 0 and .delivered != null)
                | (.delivered + .lost) / .ops ] | median))) as $epo
| [ $places[] as $p | $wl_list[] as $w | $mode_list[] as $m
    | [ $runs[] | select(.placement == $p and .workload == $w and .mode == $m) ] as $all
    | [ $ok[] | select(.placement == $p and .workload == $w and .mode == $m) ] as $rs
    # the untraced runs of this placement and workload, by repetition and slot
    | (reduce ($ok[] | select(.placement == $p and .workload == $w and .mode == "untraced"))
         as $b ({}; .["\($b.rep)/\($b.slot)"] = $b.ns_per_op)) as $base
    | if ($all | length) == 0 then empty
      elif ($rs | length) == 0 then
        { placement: $p, workload: $w, mode: $m,
          na: ([ $all[] | .na // empty ] | first),
          error: ([ $all[] | .error // empty ] | first) }
      else
        ($rs | map(
          . as $r
          | (if $r.delivered != null then $r.delivered
             elif $r.kind == "ipcscope" and $epo[$w] != null then
               ([ $r.ops * $epo[$w] - $r.lost, 0 ] | max | floor)
             else null end) as $d
          # the untraced runs just before and after this one
          | ([ $base["\($r.rep)/\($r.slot - 1)"], $base["\($r.rep)/\($r.slot + 1)"] ]
             | map(select(. != null)) | if length > 0 then add / length else null end) as $b
          | $r + { d: $d,
                   ratio: (if $b then $r.ns_per_op / $b else null end),
                   added: (if $b then $r.ns_per_op - $b else null end) })) as $x
        | { placement: $p, workload: $w, mode: $m, runs: ($x | length),
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
# ---- per-tier BPF cost (tests/bench/tier-cost) --------------------------------
| ([ $tiers[] | .label ] | reduce .[] as $l ([]; if index([$l]) then . else . + [$l] end)) as $labels
| [ $labels[] as $l
    | [ $tiers[] | select(.label == $l) ] as $lt
    | (reduce ($lt[] | select(.mode == "untraced" and .workload != null))
         as $u ({}; .[$u.rep | tostring] = $u.workload.ns_per_op)) as $ubase
    | { label: $l, where: $lt[0].where, kernel: $lt[0].kernel,
        untraced_ns_per_op: ([ $lt[] | select(.mode == "untraced") | .workload.ns_per_op ] | median),
        rows: [ ([ $lt[] | select(.mode != "untraced") | [.tier, .mode] ] | unique
                 | sort_by([ (.[0] as $t | ["fentry", "kprobe", "tracepoint"] | index($t) // 9),
                             (.[1] as $m | ["stream", "summary", "filtered"] | index($m) // 9) ]))[] as [$t, $m]
          | [ $lt[] | select(.tier == $t and .mode == $m) ] as $tr
          | [ $tr[] | select(.na == null and .meta.prog_runs != null and .meta.prog_runs >= 0
                             and .workload.events > 0) ] as $g
          | if ($g | length) == 0 then
              { tier: $t, mode: $m, na: ([ $tr[] | .na // empty ] | first // "no result") }
            else
              { tier: $t, mode: $m, runs: ($g | length),
                events: ([ $g[].workload.events ] | median),
                bpf_ns_per_event: ([ $g[] | .meta.prog_run_ns / .workload.events ] | median),
                prog_runs_per_event: ([ $g[] | .meta.prog_runs / .workload.events ] | median),
                ns_per_prog_run: ([ $g[] | select(.meta.prog_runs > 0)
                                    | .meta.prog_run_ns / .meta.prog_runs ] | median),
                ns_per_op: ([ $g[].workload.ns_per_op ] | median),
                added_ns_per_op: ([ $g[] | select($ubase[.rep | tostring] != null)
                                    | .workload.ns_per_op - $ubase[.rep | tostring] ] | median),
                progs: ([ $g[] | .workload.events as $e | .meta.progs[] | . + {e: $e} ]
                        | group_by(.name)
                        | map({ name: .[0].name,
                                runs_per_event: ([ .[] | .runs / .e ] | median),
                                ns_per_run: ([ .[] | select(.runs > 0) | .run_ns / .runs ] | median) })
                        | map(select(.runs_per_event > 0))) }
            end ] }
    # each row's cost relative to the cheapest tier of the same mode there
    | .rows as $rr
    | .rows |= map(. as $row
        | ([ $rr[] | select(.mode == $row.mode and .bpf_ns_per_event != null) | .bpf_ns_per_event ] | min) as $best
        | if .bpf_ns_per_event != null and $best != null and $best > 0
          then . + { vs_cheapest: (.bpf_ns_per_event / $best) } else . end) ] as $tier_cost
# ---- targets -----------------------------------------------------------------
| def row($w; $m): first($rows[] | select(.placement == $main and .workload == $w and .mode == $m)) // null;
  def val($w; $m; f): (row($w; $m) | if . == null or .na != null or .error != null then null else f end);
  def verdict($name; $limit; $value; $met; $by):
    { target: $name, limit: $limit, value: $value, met: $met, by: $by };
  def ratio_le($name; $w; $m; $t):
    val($w; $m; .ratio) as $v
    | verdict($name; "<= \($t)x untraced"; ($v | if . == null then "n/a" else fixed(3) + "x" end);
              (if $v == null then null else $v <= $t end);
              (if $v == null or $v <= $t then null
               else "\($v - $t | fixed(3))x (\(($v - $t) / $t * 100 | fixed(0))% over)" end));
  def storm($o):
    (first($storm[] | select(.output == $o)) // null) as $s
    | ($s.target_events_per_s // 1000000) as $t
    | verdict("storm \($t | si) ev/s, \($s.seconds // "?") s, lossless, to \(if $o == "null" then "/dev/null" else "a file" end)";
        ">= \($t | si) events/s, 0 lost";
        (if $s == null then "n/a" else "\($s.events_per_s | si) events/s, lost \($s.lost | si)" end);
        (if $s == null then null else ($s.lossless and $s.events_per_s >= $t) end);
        (if $s == null or ($s.lossless and $s.events_per_s >= $t) then null
         else ([ (if $s.lost > 0 then "lost \($s.lost | si) of \($s.events | si) (\($s.lost / $s.events * 100 | fixed(1))%)" else empty end),
                 (if $s.delivered != null and $s.lost == 0 and $s.delivered != $s.events
                  then "delivered \($s.delivered) of \($s.events)" else empty end),
                 (if $s.events_per_s < $t then "rate \(($t - $s.events_per_s) / $t * 100 | fixed(1))% short (the traced writer made \($s.events_per_s | si)/s)" else empty end),
                 (if $o == "null" and $lossless != null then
                    (if $lossless.events_per_s > 0
                     then "highest lossless rate \($lossless.events_per_s | si)/s for \($lossless.seconds) s (\($lossless.events_per_s / $t * 100 | fixed(0))% of target)"
                     else "no lossless rate found down to \($lossless.lowest_tried | si)/s" end)
                  else empty end) ] | join("; ")) end));
  ([ $rows[] | select(.placement == $main and .kind == "ipcscope" and .hwm_kb != null) | .hwm_kb / 1024 ] | max) as $hwm
| val("pipe-pingpong"; "summary"; .added_ns_per_op) as $sum_add
| val("pipe-pingpong"; "bpftrace-count"; .added_ns_per_op) as $btc_add
| val("pipe-pingpong"; "stream-file"; .added_ns_per_op) as $str_add
| val("pipe-pingpong"; "bpftrace-printf"; .added_ns_per_op) as $btp_add
| { machine: $machine, config: $config, rows: $rows,
    busy_before_pct: ([ $runs[] | .busy_before_pct // empty ] | median),
    storm: $storm, lossless: $lossless, overflow: $overflow, tier_cost: $tier_cost,
    scrape: $scrape,
    targets: [
      ratio_le("1-byte ping-pong, filtered out (-t pipe -p IDLE)"; "pipe-pingpong"; "filtered-out"; 1.20),
      ratio_le("1-byte ping-pong, --summary"; "pipe-pingpong"; "summary"; 1.40),
      ratio_le("1-byte ping-pong, NDJSON to a file"; "pipe-pingpong"; "stream-file"; 1.60),
      ratio_le("1-byte ping-pong, NDJSON to /dev/null"; "pipe-pingpong"; "stream-null"; 1.60),
      ratio_le("64 KiB bulk, NDJSON to /dev/null"; "pipe-bulk"; "stream-null"; 1.10),
      ratio_le("64 KiB bulk, NDJSON to a file"; "pipe-bulk"; "stream-file"; 1.10),
      storm("null"),
      storm("file"),
      verdict("collector peak RSS (VmHWM, largest ipcscope row)";
        "<= 16 MiB (ring \($config.ring_kib // "?") KiB)";
        ($hwm | if . == null then "n/a" else fixed(1) + " MiB" end);
        (if $hwm == null then null else $hwm <= 16 end);
        (if $hwm == null or $hwm <= 16 then null else "\($hwm - 16 | fixed(1)) MiB (\(($hwm - 16) / 16 * 100 | fixed(0))% over)" end)),
      verdict("added ns/op, --summary vs bpftrace count()";
        "< bpftrace's";
        (if $sum_add == null or $btc_add == null then "n/a" else "\($sum_add | fixed(0)) vs \($btc_add | fixed(0)) ns" end);
        (if $sum_add == null or $btc_add == null then null else $sum_add < $btc_add end);
        (if $sum_add == null or $btc_add == null or $sum_add < $btc_add then null
         else "\($sum_add - $btc_add | fixed(0)) ns (\(if $btc_add > 0 then ($sum_add / $btc_add | fixed(2)) + "x bpftrace's" else "bpftrace added nothing measurable" end))" end)),
      verdict("added ns/op, NDJSON to a file vs bpftrace printf";
        "<= 1/3 of bpftrace's";
        (if $str_add == null or $btp_add == null then "n/a" else "\($str_add | fixed(0)) vs \($btp_add | fixed(0)) / 3 = \($btp_add / 3 | fixed(0)) ns" end);
        (if $str_add == null or $btp_add == null then null else $str_add <= $btp_add / 3 end);
        (if $str_add == null or $btp_add == null or $str_add <= $btp_add / 3 then null
         else "\($str_add - $btp_add / 3 | fixed(0)) ns (\(if $btp_add > 0 then "1/" + ($btp_add / $str_add | fixed(2)) + " of bpftrace's" else "bpftrace added nothing measurable" end))" end)),
      # issue 6's, still checked
      (([ $rows[] | select(.placement == $main and .kind == "ipcscope") | .attach_ms ] | median) as $a
       | verdict("start to attached, median of ipcscope rows (issue 6)"; "<= 0.2 s";
           ($a | if . == null then "n/a" else (. / 1000 | fixed(3)) + " s" end);
           (if $a == null then null else $a <= 200 end);
           (if $a == null or $a <= 200 then null else "\($a / 1000 - 0.2 | fixed(3)) s" end))),
      (if $overflow == null then verdict("forced overflow: delivered + lost = known (issue 6)"; "exact"; "n/a"; null; null)
       else verdict("forced overflow: delivered + lost = known (issue 6)"; "exact";
        "\($overflow.delivered) + \($overflow.lost) = \($overflow.delivered + $overflow.lost) of \($overflow.known_events)";
        $overflow.exact; (if $overflow.exact then null else "mismatch" end)) end)
    ] }
