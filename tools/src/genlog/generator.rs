//! The generator's set-up, its byte writers, line framing and main loop: which line comes
//! next, and when the output stops.

use std::io::{self, Write};

use super::clock::{Clock, days_from_civil};
use super::rng::{SplitMix64, guid_bytes};
use super::vocab::{HEX, K8S};
use super::{Container, Gen, KIND_C, Stats};

/// Mean number of lines of one failure event (kind c has 5..=12 lines, the others 1).
const MEAN_EVENT_LINES: f64 = (8.0 + 8.5) / 9.0;

/// Probability (per fresh line) of a 2-64 KiB JSON debug line.
const P_LONG: f64 = 0.0005;
/// Probability (per fresh line) of a line carrying invalid UTF-8.
const P_BAD_UTF8: f64 = 0.002;
/// Probability (per fresh line) of a harmless near-miss line.
const P_NEAR_MISS: f64 = 0.002;
/// Probability (per fresh line) that a healthy three-request SSO login starts.
const P_SSO_FLOW: f64 = 0.003;
/// Probability that the next line continues a pending traceback.
const P_TB_CONTINUE: f64 = 0.6;
const MAX_FLOWS: usize = 8;
const OUT_CHUNK: usize = 1 << 20;

impl<W: Write> Gen<W> {
    pub(super) fn new(seed: u64, limit: u64, failure_rate: f64, sink: W) -> Self {
        let mut rng = SplitMix64::new(seed);
        let mut hash = Vec::with_capacity(10);
        for _ in 0..10 {
            hash.push(K8S[rng.below(K8S.len() as u64) as usize]);
        }
        let mk_pod = |rng: &mut SplitMix64| {
            let mut p = b"netbox-".to_vec();
            p.extend_from_slice(&hash);
            p.push(b'-');
            for _ in 0..5 {
                p.push(K8S[rng.below(K8S.len() as u64) as usize]);
            }
            p
        };
        let pods = [mk_pod(&mut rng), mk_pod(&mut rng), mk_pod(&mut rng)];
        let mut pod_ips = [[0u8; 4]; 3];
        for (i, ip) in pod_ips.iter_mut().enumerate() {
            *ip = [10, 42, i as u8, rng.range(2, 250) as u8];
        }
        let client_id = guid_bytes(&mut rng);
        let tenant_id = guid_bytes(&mut rng);
        // Start on 2026-11-20 09:14:02 plus a seed-dependent offset below one second.
        let start = days_from_civil(2026, 11, 20) as u64 * 86_400 + 9 * 3600 + 14 * 60 + 2;
        let ns = start * 1_000_000_000 + 123_456_789 + rng.below(1_000_000);
        Self {
            rng,
            clock: Clock::new(ns),
            sink,
            out: Vec::with_capacity(OUT_CHUNK + (128 << 10)),
            line_start: 0,
            stats: Stats::default(),
            limit,
            p_event: failure_rate / MEAN_EVENT_LINES,
            pods,
            pod_ips,
            client_id,
            tenant_id,
            flows: Vec::new(),
            traceback: None,
        }
    }

    // ----- low-level writers -------------------------------------------------------------

    #[inline]
    pub(super) fn s(&mut self, b: &[u8]) {
        self.out.extend_from_slice(b);
    }

    #[inline]
    pub(super) fn num(&mut self, mut v: u64) {
        let mut buf = [0u8; 20];
        let mut i = buf.len();
        loop {
            i -= 1;
            buf[i] = b'0' + (v % 10) as u8;
            v /= 10;
            if v == 0 {
                break;
            }
        }
        self.out.extend_from_slice(&buf[i..]);
    }

    /// `v` zero-padded to `width` digits.
    #[inline]
    pub(super) fn num_pad(&mut self, mut v: u64, width: usize) {
        let mut buf = [b'0'; 20];
        let mut i = buf.len();
        while v > 0 && i > 0 {
            i -= 1;
            buf[i] = b'0' + (v % 10) as u8;
            v /= 10;
        }
        self.out.extend_from_slice(&buf[buf.len() - width..]);
    }

    /// A random number in `lo..=hi`.
    #[inline]
    pub(super) fn rnum(&mut self, lo: u64, hi: u64) {
        let v = self.rng.range(lo, hi);
        self.num(v);
    }

    /// A random number in `lo..=hi`, zero-padded to `width` digits.
    #[inline]
    pub(super) fn rnum_pad(&mut self, lo: u64, hi: u64, width: usize) {
        let v = self.rng.range(lo, hi);
        self.num_pad(v, width);
    }

    pub(super) fn hex(&mut self, n: usize) {
        let mut left = n;
        while left > 0 {
            let mut r = self.rng.next_u64();
            let take = left.min(16);
            for _ in 0..take {
                self.out.push(HEX[(r & 15) as usize]);
                r >>= 4;
            }
            left -= take;
        }
    }

    pub(super) fn random_from(&mut self, alphabet: &[u8], n: usize) {
        for _ in 0..n {
            let i = self.rng.below(alphabet.len() as u64) as usize;
            self.out.push(alphabet[i]);
        }
    }

    pub(super) fn guid(&mut self) {
        let g = guid_bytes(&mut self.rng);
        self.out.extend_from_slice(&g);
    }

    pub(super) fn ip(&mut self, ip: [u8; 4]) {
        for (i, o) in ip.iter().enumerate() {
            if i > 0 {
                self.out.push(b'.');
            }
            self.num(u64::from(*o));
        }
    }

    pub(super) fn pick_str(&mut self, items: &[&'static str]) -> &'static str {
        items[self.rng.below(items.len() as u64) as usize]
    }

    /// `2026-11-20 09:14:02,123`
    pub(super) fn django_time(&mut self) {
        let (d, t) = (self.clock.date, self.clock.hms);
        self.s(&d);
        self.out.push(b' ');
        self.s(&t);
        self.out.push(b',');
        let ms = self.clock.sub_ns() / 1_000_000;
        self.num_pad(u64::from(ms), 3);
    }

    /// `2026-11-20 09:14:02Z`, as in Entra's error_description.
    pub(super) fn entra_time(&mut self) {
        let (d, t) = (self.clock.date, self.clock.hms);
        self.s(&d);
        self.out.push(b' ');
        self.s(&t);
        self.out.push(b'Z');
    }

    /// `LEVEL 2026-11-20 09:14:02,123 logger `
    pub(super) fn django_head(&mut self, level: &str, logger: &str) {
        self.s(level.as_bytes());
        self.out.push(b' ');
        self.django_time();
        self.out.push(b' ');
        self.s(logger.as_bytes());
        self.out.push(b' ');
    }

    // ----- line framing ------------------------------------------------------------------

    /// Advances the clock and writes `[pod/P/C] <kubelet timestamp> `.
    pub(super) fn begin(&mut self, pod: usize, c: Container, gap_ns: u64) {
        self.clock.advance(gap_ns);
        self.line_start = self.out.len();
        self.out.extend_from_slice(b"[pod/");
        self.out.extend_from_slice(&self.pods[pod]);
        self.out.push(b'/');
        self.out.extend_from_slice(c.name());
        self.out.extend_from_slice(b"] ");
        let (d, t) = (self.clock.date, self.clock.hms);
        self.s(&d);
        self.out.push(b'T');
        self.s(&t);
        self.out.push(b'.');
        let sub = self.clock.sub_ns();
        self.num_pad(u64::from(sub), 9);
        self.out.extend_from_slice(b"Z ");
    }

    pub(super) fn end(&mut self) -> io::Result<()> {
        self.out.push(b'\n');
        self.stats.bytes += (self.out.len() - self.line_start) as u64;
        self.stats.lines += 1;
        if self.out.len() >= OUT_CHUNK {
            self.sink.write_all(&self.out)?;
            self.out.clear();
        }
        self.line_start = 0;
        Ok(())
    }

    pub(super) fn normal_gap(&mut self) -> u64 {
        // Mean about 20 ms: ~50 lines/s across the three pods.
        self.rng.range(1_000, 40_000_000)
    }

    // ----- main loop ---------------------------------------------------------------------

    fn fresh_pod(&mut self) -> usize {
        match &self.traceback {
            Some(tb) => (tb.pod + 1 + self.rng.below(2) as usize) % 3,
            None => self.rng.below(3) as usize,
        }
    }

    fn fresh_line(&mut self) -> io::Result<()> {
        let pod = self.fresh_pod();
        if self.p_event > 0.0 && self.rng.chance(self.p_event) {
            let mut kind = self.rng.below(9) as usize;
            if kind == KIND_C && self.traceback.is_some() {
                // One traceback at a time: draw among the other kinds.
                kind = [0, 1, 3, 4, 5, 6, 7, 8][self.rng.below(8) as usize];
            }
            return self.failure_event(kind, pod);
        }
        let u = self.rng.unit();
        let mut acc = P_LONG;
        if u < acc {
            return self.line_long(pod);
        }
        acc += P_BAD_UTF8;
        if u < acc {
            return if self.rng.chance(0.8) {
                self.line_ui(pod, true)
            } else {
                self.line_django(pod, true)
            };
        }
        acc += P_NEAR_MISS;
        if u < acc {
            return self.line_near_miss(pod);
        }
        acc += P_SSO_FLOW;
        if u < acc && self.flows.len() < MAX_FLOWS {
            return self.start_flow(pod);
        }
        // Ordinary traffic, by weight.
        let r = self.rng.below(100);
        match r {
            0..=37 => self.line_api(pod),
            38..=47 => self.line_ui(pod, false),
            48..=54 => self.line_static(pod),
            55..=64 => self.line_probe(pod),
            65..=83 => self.line_django(pod, false),
            84..=86 => self.line_gunicorn(pod),
            _ => self.line_rq(pod),
        }
    }

    pub(super) fn run(&mut self) -> io::Result<()> {
        loop {
            let flushing = self.stats.bytes >= self.limit;
            if self.traceback.is_some() && (flushing || self.rng.chance(P_TB_CONTINUE)) {
                self.continue_traceback()?;
                continue;
            }
            let blocked = self.traceback.as_ref().map(|t| t.pod);
            if let Some(i) = self
                .flows
                .iter()
                .position(|f| (f.gap == 0 || flushing) && Some(f.pod) != blocked)
            {
                let mut f = self.flows.swap_remove(i);
                self.flow_step(&mut f)?;
                if f.step < 3 {
                    self.flows.push(f);
                }
                continue;
            }
            if flushing {
                if self.traceback.is_none() && self.flows.is_empty() {
                    break;
                }
                continue;
            }
            self.fresh_line()?;
            for f in &mut self.flows {
                f.gap = f.gap.saturating_sub(1);
            }
        }
        self.sink.write_all(&self.out)?;
        self.out.clear();
        self.sink.flush()
    }
}
