//! The `genlog` command line: sizes, seed, output and manifest paths, failure rate.

/// Parses a size such as `100M`, `20m`, `1G`, `512K`, `1MiB` or `4096` (binary units).
pub(super) fn parse_size(s: &str) -> Result<u64, String> {
    let t = s.trim();
    let digits_end = t.find(|c: char| !c.is_ascii_digit()).unwrap_or(t.len());
    let (num, suffix) = t.split_at(digits_end);
    if num.is_empty() {
        return Err(format!(
            "invalid size {s:?}: expected a number with an optional K/M/G suffix"
        ));
    }
    let n: u64 = num
        .parse()
        .map_err(|_| format!("invalid size {s:?}: number too large"))?;
    let mult: u64 = match suffix.to_ascii_lowercase().as_str() {
        "" | "b" => 1,
        "k" | "kb" | "kib" => 1 << 10,
        "m" | "mb" | "mib" => 1 << 20,
        "g" | "gb" | "gib" => 1 << 30,
        "t" | "tb" | "tib" => 1 << 40,
        _ => {
            return Err(format!(
                "invalid size {s:?}: unknown suffix {suffix:?} (use K, M or G)"
            ));
        }
    };
    n.checked_mul(mult)
        .ok_or_else(|| format!("invalid size {s:?}: too large"))
}

#[derive(Debug)]
pub(super) struct Args {
    pub(super) size: u64,
    pub(super) seed: u64,
    pub(super) out: Option<String>,
    pub(super) manifest: Option<String>,
    pub(super) failure_rate: f64,
}

const USAGE: &str =
    "usage: genlog --size SIZE [--seed N] [--out FILE] [--manifest FILE.json] [--failure-rate R]

  --size SIZE          stop at the first record boundary at or after SIZE bytes
                       (K/M/G suffixes, binary: 1M = 1048576)
  --seed N             PRNG seed (default 1); same arguments -> same bytes
  --out FILE           write the log to FILE (default: stdout)
  --manifest FILE      write a JSON manifest: seed, bytes, lines, failure_events, by_kind
  --failure-rate R     target fraction of lines that belong to failure events (default 0.005)";

pub(super) fn parse_args<I: IntoIterator<Item = String>>(argv: I) -> Result<Args, String> {
    let mut size = None;
    let mut seed = 1u64;
    let mut out = None;
    let mut manifest = None;
    let mut failure_rate = 0.005f64;
    let mut it = argv.into_iter();
    while let Some(arg) = it.next() {
        let (key, inline) = match arg.split_once('=') {
            Some((k, v)) if k.starts_with("--") => (k.to_string(), Some(v.to_string())),
            _ => (arg.clone(), None),
        };
        if key == "-h" || key == "--help" {
            return Err(USAGE.to_string());
        }
        let mut value = || -> Result<String, String> {
            match &inline {
                Some(v) => Ok(v.clone()),
                None => it
                    .next()
                    .ok_or_else(|| format!("{key} needs a value\n{USAGE}")),
            }
        };
        match key.as_str() {
            "--size" => size = Some(parse_size(&value()?)?),
            "--seed" => {
                let v = value()?;
                seed = v.parse().map_err(|_| format!("invalid seed {v:?}"))?;
            }
            "--out" | "-o" => out = Some(value()?),
            "--manifest" => manifest = Some(value()?),
            "--failure-rate" => {
                let v = value()?;
                failure_rate = v
                    .parse()
                    .map_err(|_| format!("invalid failure rate {v:?}"))?;
                if !(0.0..=0.5).contains(&failure_rate) {
                    return Err(format!("--failure-rate must be within 0..=0.5, got {v}"));
                }
            }
            _ => return Err(format!("unknown argument {arg:?}\n{USAGE}")),
        }
    }
    let size = size.ok_or_else(|| format!("--size is required\n{USAGE}"))?;
    Ok(Args {
        size,
        seed,
        out,
        manifest,
        failure_rate,
    })
}
