//! Access lines (NetBox and ingress-nginx): API calls, UI pages, static files and
//! kube-probe health checks.

use std::io::{self, Write};

use super::vocab::{API_PATHS, API_UAS, BROWSER_UAS, SITES, STATIC_PATHS, UI_PATHS, USERS};
use super::{Container, Gen};

impl<W: Write> Gen<W> {
    /// `IP - USER [20/Nov/2026:09:14:02 +0000] "METHOD ` (the path follows).
    pub(super) fn access_head(&mut self, ip: [u8; 4], user: Option<&str>, method: &str) {
        self.ip(ip);
        self.s(b" - ");
        match user {
            Some(u) => self.s(u.as_bytes()),
            None => self.out.push(b'-'),
        }
        self.s(b" [");
        let (nd, t) = (self.clock.ndate, self.clock.hms);
        self.s(&nd);
        self.out.push(b':');
        self.s(&t);
        self.s(b" +0000] \"");
        self.s(method.as_bytes());
        self.out.push(b' ');
    }

    /// ` HTTP/1.1" STATUS BYTES "REFERER" "UA"`, plus ingress-nginx fields in `nginx`.
    pub(super) fn access_tail(
        &mut self,
        c: Container,
        pod: usize,
        status: u16,
        size: u64,
        referer: &str,
        ua: &[u8],
    ) {
        self.s(b" HTTP/1.1\" ");
        self.num(u64::from(status));
        self.out.push(b' ');
        self.num(size);
        self.s(b" \"");
        self.s(referer.as_bytes());
        self.s(b"\" \"");
        self.s(ua);
        self.out.push(b'"');
        if c == Container::Nginx {
            // request_length request_time [upstream] [alt] upstream_addr upstream_bytes
            // upstream_time upstream_status req_id
            self.out.push(b' ');
            let reqlen = self.rng.range(250, 1800);
            self.num(reqlen);
            self.out.push(b' ');
            let ms = self.rng.range(1, 900);
            self.s(b"0.");
            self.num_pad(ms, 3);
            self.s(b" [netbox-netbox-8080] [] ");
            let ip = self.pod_ips[pod];
            self.ip(ip);
            self.s(b":8080 ");
            self.num(size);
            self.s(b" 0.");
            self.num_pad(ms.saturating_sub(1), 3);
            self.out.push(b' ');
            self.num(u64::from(status));
            self.out.push(b' ');
            self.hex(32);
        }
    }

    pub(super) fn user_ip(&mut self) -> [u8; 4] {
        [
            10,
            20,
            self.rng.below(16) as u8,
            self.rng.range(1, 254) as u8,
        ]
    }

    pub(super) fn access_container(&mut self) -> Container {
        if self.rng.chance(0.2) {
            Container::Nginx
        } else {
            Container::Netbox
        }
    }

    pub(super) fn line_api(&mut self, pod: usize) -> io::Result<()> {
        let c = self.access_container();
        let gap = self.normal_gap();
        self.begin(pod, c, gap);
        let ip = [10, 30, 1, self.rng.range(10, 20) as u8];
        let user = if self.rng.chance(0.5) {
            None
        } else {
            Some(
                self.rng
                    .pick(&["svc-ansible", "svc-terraform", "svc-backup"]),
            )
        };
        let method = if self.rng.chance(0.9) {
            "GET"
        } else {
            self.rng.pick(&["POST", "PATCH", "PUT", "DELETE"])
        };
        self.access_head(ip, user, method);
        let path = self.pick_str(API_PATHS);
        self.s(path.as_bytes());
        let status: u16 = if method == "GET" {
            if self.rng.chance(0.3) {
                self.rnum(1, 20_000);
                self.out.push(b'/');
            } else {
                self.s(b"?limit=");
                let limit = self.rng.pick(&[50u64, 100, 250, 1000]);
                self.num(limit);
                if self.rng.chance(0.5) {
                    self.s(b"&offset=");
                    let off = self.rng.below(200) * limit;
                    self.num(off);
                }
                if self.rng.chance(0.3) {
                    self.s(b"&site=");
                    let site = self.pick_str(SITES);
                    self.s(site.as_bytes());
                }
            }
            if self.rng.chance(0.97) {
                200
            } else {
                self.rng.pick(&[404u16, 403, 400])
            }
        } else {
            if method != "POST" {
                self.rnum(1, 20_000);
                self.out.push(b'/');
            }
            match method {
                "POST" => 201,
                "DELETE" => 204,
                _ => 200,
            }
        };
        let size = if status == 204 {
            0
        } else {
            self.rng.range(300, 120_000)
        };
        let ua = self.pick_str(API_UAS);
        self.access_tail(c, pod, status, size, "-", ua.as_bytes());
        self.end()
    }

    fn browser_ua_bytes(&mut self, bad_utf8: bool) -> Vec<u8> {
        let ua = self.pick_str(BROWSER_UAS);
        if !bad_utf8 {
            return ua.as_bytes().to_vec();
        }
        // Raw invalid UTF-8 inside the user agent, as some scanners and broken clients send.
        let mut v = Vec::with_capacity(ua.len() + 8);
        match self.rng.below(3) {
            0 => {
                v.extend_from_slice(b"Mozilla/5.0 (compatible; Scanner\xff\xfe/1.");
                v.push(b'0' + self.rng.below(10) as u8);
                v.push(b')');
            }
            1 => {
                v.extend_from_slice(ua.as_bytes());
                v.extend_from_slice(b" Ren\xe9Browser/2.1");
            }
            _ => {
                v.extend_from_slice(
                    b"Mozilla/5.0 (Linux; U; Android 9; \xc3\x28\xa0\xa1 Build/PKQ1.180904.001)",
                );
            }
        }
        v
    }

    pub(super) fn line_ui(&mut self, pod: usize, bad_utf8: bool) -> io::Result<()> {
        let c = self.access_container();
        let gap = self.normal_gap();
        self.begin(pod, c, gap);
        let ip = self.user_ip();
        let user = self.pick_str(USERS);
        self.access_head(ip, Some(user), "GET");
        let path = self.pick_str(UI_PATHS);
        self.s(path.as_bytes());
        if path != "/" && self.rng.chance(0.4) {
            if self.rng.chance(0.5) {
                self.rnum(1, 20_000);
                self.out.push(b'/');
            } else {
                self.s(b"?site=");
                let site = self.pick_str(SITES);
                self.s(site.as_bytes());
                self.s(b"&per_page=50");
            }
        }
        let size = self.rng.range(8_000, 90_000);
        let ua = self.browser_ua_bytes(bad_utf8);
        self.access_tail(
            c,
            pod,
            200,
            size,
            "https://netbox.example.com/dcim/devices/",
            &ua,
        );
        self.end()
    }

    pub(super) fn line_static(&mut self, pod: usize) -> io::Result<()> {
        let c = self.access_container();
        let gap = self.normal_gap();
        self.begin(pod, c, gap);
        let ip = self.user_ip();
        self.access_head(ip, None, "GET");
        let path = self.pick_str(STATIC_PATHS);
        self.s(path.as_bytes());
        let (status, size) = if self.rng.chance(0.6) {
            (304, 0)
        } else {
            (200, self.rng.range(2_000, 400_000))
        };
        let ua = self.pick_str(BROWSER_UAS);
        self.access_tail(
            c,
            pod,
            status,
            size,
            "https://netbox.example.com/",
            ua.as_bytes(),
        );
        self.end()
    }

    pub(super) fn line_probe(&mut self, pod: usize) -> io::Result<()> {
        let gap = self.normal_gap();
        self.begin(pod, Container::Netbox, gap);
        let ip = [10, 42, pod as u8, 1];
        self.access_head(ip, None, "GET");
        let (path, size) = if self.rng.chance(0.5) {
            ("/login/", 5_731)
        } else {
            ("/api/status/", 412)
        };
        self.s(path.as_bytes());
        self.access_tail(Container::Netbox, pod, 200, size, "-", b"kube-probe/1.31");
        self.end()
    }
}
