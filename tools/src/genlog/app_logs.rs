//! Application lines: Django/NetBox log lines, gunicorn and rqworker lines, the rare long
//! JSON debug line, and harmless near misses.

use std::io::{self, Write};

use super::vocab::{
    API_PATHS, BROWSER_UAS, DJANGO_LOGGERS_MSGS, NEAR_MISS_DJANGO, NEAR_MISS_PATHS, RQ_JOBS, SITES,
    USERS,
};
use super::{Container, Gen};

impl<W: Write> Gen<W> {
    pub(super) fn line_django(&mut self, pod: usize, bad_utf8: bool) -> io::Result<()> {
        let gap = self.normal_gap();
        self.begin(pod, Container::Netbox, gap);
        let i = self.rng.below(DJANGO_LOGGERS_MSGS.len() as u64) as usize;
        let (level, logger, msg) = DJANGO_LOGGERS_MSGS[i];
        self.django_head(level, logger);
        self.s(msg.as_bytes());
        match i {
            0 => {
                self.s(b": GET ");
                let p = self.pick_str(API_PATHS);
                self.s(p.as_bytes());
                self.s(b" user=");
                let u = self.pick_str(USERS);
                self.s(u.as_bytes());
                self.s(b" status=200 duration_ms=");
                self.rnum(3, 900);
            }
            1 | 3 | 4 => {
                self.s(b" id=");
                self.rnum(1, 20_000);
                self.s(b" name=sw-");
                let site = self.pick_str(SITES);
                self.s(site.as_bytes());
                self.s(b"-r");
                self.rnum_pad(1, 40, 2);
                self.s(b"-0");
                self.rnum(1, 4);
                if bad_utf8 {
                    self.s(b" location=Caf\xe9-Nord");
                }
                self.s(b" request_id=");
                self.guid();
            }
            2 => {
                self.s(b": ");
                self.rnum(2, 48);
                self.s(b" objects by ");
                let u = self.pick_str(USERS);
                self.s(u.as_bytes());
            }
            5 => {
                self.s(b" (commit ");
                self.hex(12);
                self.s(b", ");
                self.rnum(10, 900);
                self.s(b" files)");
            }
            6 => {
                self.s(b"; args=(");
                self.rnum(1, 400);
                self.s(b",)");
            }
            _ => {
                self.s(b": ");
                let u = self.pick_str(USERS);
                self.s(u.as_bytes());
            }
        }
        self.end()
    }

    pub(super) fn line_gunicorn(&mut self, pod: usize) -> io::Result<()> {
        let gap = self.normal_gap();
        self.begin(pod, Container::Netbox, gap);
        self.out.push(b'[');
        let (d, t) = (self.clock.date, self.clock.hms);
        self.s(&d);
        self.out.push(b' ');
        self.s(&t);
        self.s(b" +0000] [");
        match self.rng.below(4) {
            0 => {
                let pid = self.rng.range(7, 400);
                self.s(b"1] [INFO] Booting worker with pid: ");
                self.num(pid);
            }
            1 => self.s(b"1] [INFO] Handling signal: winch"),
            2 => {
                let pid = self.rng.range(7, 400);
                self.num(pid);
                self.s(b"] [INFO] Autorestarting worker after current request.");
            }
            _ => {
                let pid = self.rng.range(7, 400);
                self.num(pid);
                self.s(b"] [DEBUG] GET ");
                let p = self.pick_str(API_PATHS);
                self.s(p.as_bytes());
            }
        }
        self.end()
    }

    pub(super) fn line_rq(&mut self, pod: usize) -> io::Result<()> {
        let gap = self.normal_gap();
        self.begin(pod, Container::Worker, gap);
        let t = self.clock.hms;
        self.s(&t);
        self.out.push(b' ');
        match self.rng.below(5) {
            0 | 1 => {
                let q = self.rng.pick(&["default", "high", "low"]);
                self.s(q.as_bytes());
                self.s(b": ");
                let j = self.pick_str(RQ_JOBS);
                self.s(j.as_bytes());
                self.s(b" (");
                self.guid();
                self.out.push(b')');
            }
            2 => {
                let q = self.rng.pick(&["default", "high", "low"]);
                self.s(q.as_bytes());
                self.s(b": Job OK (");
                self.guid();
                self.out.push(b')');
            }
            3 => self.s(b"Result is kept for 500 seconds"),
            _ => {
                let q = self.rng.pick(&["default", "high", "low"]);
                self.s(b"Cleaning registries for queue: ");
                self.s(q.as_bytes());
            }
        }
        self.end()
    }

    pub(super) fn line_long(&mut self, pod: usize) -> io::Result<()> {
        let gap = self.normal_gap();
        self.begin(pod, Container::Netbox, gap);
        let target = self.rng.range(2048, 65_536) as usize;
        let start = self.out.len();
        self.django_head("DEBUG", "netbox.api.views");
        self.s(b"Response payload GET /api/dcim/devices/?limit=1000: {\"count\":");
        let count = self.rng.range(1000, 20_000);
        self.num(count);
        self.s(b",\"next\":\"https://netbox.example.com/api/dcim/devices/?limit=1000&offset=1000\",\"previous\":null,\"results\":[");
        let mut first = true;
        let closing = b"]}".len();
        while self.out.len() - start + closing < target {
            if !first {
                self.out.push(b',');
            }
            first = false;
            let id = self.rng.range(1, 20_000);
            let site = self.pick_str(SITES);
            self.s(b"{\"id\":");
            self.num(id);
            self.s(b",\"url\":\"https://netbox.example.com/api/dcim/devices/");
            self.num(id);
            self.s(b"/\",\"display\":\"sw-");
            self.s(site.as_bytes());
            self.s(b"-");
            self.num(id);
            self.s(b"\",\"name\":\"sw-");
            self.s(site.as_bytes());
            self.s(b"-");
            self.num(id);
            self.s(b"\",\"device_type\":{\"id\":");
            self.rnum(1, 60);
            self.s(b",\"manufacturer\":{\"name\":\"Arista\",\"slug\":\"arista\"},\"model\":\"DCS-7050SX3-48YC8\"},\"role\":{\"name\":\"Leaf\",\"slug\":\"leaf\"},\"site\":{\"name\":\"");
            self.s(site.as_bytes());
            self.s(b"\",\"slug\":\"");
            self.s(site.as_bytes());
            self.s(b"\"},\"status\":{\"value\":\"active\",\"label\":\"Active\"},\"serial\":\"JPE");
            self.rnum_pad(0, 100_000_000 - 1, 8);
            self.s(b"\",\"primary_ip4\":{\"address\":\"10.");
            self.rnum(0, 256 - 1);
            self.out.push(b'.');
            self.rnum(0, 256 - 1);
            self.out.push(b'.');
            self.rnum(1, 254);
            self.s(b"/32\"},\"last_updated\":\"");
            let (d, t) = (self.clock.date, self.clock.hms);
            self.s(&d);
            self.out.push(b'T');
            self.s(&t);
            self.s(b"Z\"}");
        }
        self.s(b"]}");
        self.end()
    }

    pub(super) fn line_near_miss(&mut self, pod: usize) -> io::Result<()> {
        if self.rng.chance(0.5) {
            let gap = self.normal_gap();
            self.begin(pod, Container::Netbox, gap);
            let i = self.rng.below(NEAR_MISS_DJANGO.len() as u64) as usize;
            let (level, logger, msg) = NEAR_MISS_DJANGO[i];
            self.django_head(level, logger);
            self.s(msg.as_bytes());
        } else {
            let c = self.access_container();
            let gap = self.normal_gap();
            self.begin(pod, c, gap);
            let ip = self.user_ip();
            let user = self.pick_str(USERS);
            self.access_head(ip, Some(user), "GET");
            let p = self.pick_str(NEAR_MISS_PATHS);
            self.s(p.as_bytes());
            let size = self.rng.range(500, 30_000);
            let ua = self.pick_str(BROWSER_UAS);
            self.access_tail(
                c,
                pod,
                200,
                size,
                "https://netbox.example.com/",
                ua.as_bytes(),
            );
        }
        self.end()
    }
}
