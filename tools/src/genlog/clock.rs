//! Time: the proleptic Gregorian calendar and the nanosecond clock every line is stamped
//! with.

/// Days since 1970-01-01 for a proleptic Gregorian date (H. Hinnant's algorithm).
pub(super) fn days_from_civil(y: i64, m: u32, d: u32) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = if y >= 0 { y } else { y - 399 } / 400;
    let yoe = y - era * 400;
    let mp = (i64::from(m) + 9) % 12;
    let doy = (153 * mp + 2) / 5 + i64::from(d) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// Inverse of [`days_from_civil`].
pub(super) fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719_468;
    let era = if z >= 0 { z } else { z - 146_096 } / 146_097;
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    (if m <= 2 { y + 1 } else { y }, m, d)
}

const MONTHS: [&[u8; 3]; 12] = [
    b"Jan", b"Feb", b"Mar", b"Apr", b"May", b"Jun", b"Jul", b"Aug", b"Sep", b"Oct", b"Nov", b"Dec",
];

/// A nanosecond clock with the textual forms of its current second cached.
pub(super) struct Clock {
    ns: u64,
    sec: u64,
    /// `2026-11-20`
    pub(super) date: [u8; 10],
    /// `09:14:02`
    pub(super) hms: [u8; 8],
    /// `20/Nov/2026`
    pub(super) ndate: [u8; 11],
}

fn put2(dst: &mut [u8], v: u32) {
    dst[0] = b'0' + (v / 10) as u8;
    dst[1] = b'0' + (v % 10) as u8;
}

impl Clock {
    pub(super) fn new(ns: u64) -> Self {
        let mut c = Self {
            ns,
            sec: u64::MAX,
            date: [0; 10],
            hms: [0; 8],
            ndate: [0; 11],
        };
        c.refresh();
        c
    }

    fn refresh(&mut self) {
        let sec = self.ns / 1_000_000_000;
        if sec == self.sec {
            return;
        }
        self.sec = sec;
        let (y, m, d) = civil_from_days((sec / 86_400) as i64);
        let sod = (sec % 86_400) as u32;
        let y = y.clamp(0, 9999) as u32;
        let yd = [
            b'0' + (y / 1000) as u8,
            b'0' + (y / 100 % 10) as u8,
            b'0' + (y / 10 % 10) as u8,
            b'0' + (y % 10) as u8,
        ];
        self.date[..4].copy_from_slice(&yd);
        self.date[4] = b'-';
        put2(&mut self.date[5..7], m);
        self.date[7] = b'-';
        put2(&mut self.date[8..10], d);
        put2(&mut self.hms[0..2], sod / 3600);
        self.hms[2] = b':';
        put2(&mut self.hms[3..5], sod / 60 % 60);
        self.hms[5] = b':';
        put2(&mut self.hms[6..8], sod % 60);
        put2(&mut self.ndate[0..2], d);
        self.ndate[2] = b'/';
        self.ndate[3..6].copy_from_slice(MONTHS[(m - 1) as usize]);
        self.ndate[6] = b'/';
        self.ndate[7..11].copy_from_slice(&yd);
    }

    pub(super) fn advance(&mut self, ns: u64) {
        self.ns += ns.max(1);
        self.refresh();
    }

    pub(super) fn sub_ns(&self) -> u32 {
        (self.ns % 1_000_000_000) as u32
    }
}
