//! Healthy Entra ID logins: begin (302), callback with a code (302), landing page (200).

use std::io::{self, Write};

use super::vocab::{ALNUM, B64URL, BROWSER_UAS};
use super::{Flow, Gen};

impl<W: Write> Gen<W> {
    pub(super) fn start_flow(&mut self, pod: usize) -> io::Result<()> {
        let ip = self.user_ip();
        let ua = self.pick_str(BROWSER_UAS);
        let container = self.access_container();
        let mut flow = Flow {
            pod,
            container,
            ip,
            ua,
            step: 0,
            gap: 0,
        };
        self.flow_step(&mut flow)?;
        self.flows.push(flow);
        Ok(())
    }

    pub(super) fn flow_step(&mut self, f: &mut Flow) -> io::Result<()> {
        let gap = if f.step == 0 {
            self.normal_gap()
        } else {
            self.rng.range(1_000, 2_000_000)
        };
        self.begin(f.pod, f.container, gap);
        self.access_head(f.ip, None, "GET");
        match f.step {
            0 => {
                self.s(b"/oauth/login/azuread-oauth2/?next=%2F");
                self.access_tail(
                    f.container,
                    f.pod,
                    302,
                    0,
                    "https://netbox.example.com/login/?next=/",
                    f.ua.as_bytes(),
                );
            }
            1 => {
                // Entra authorization codes are long opaque base64url strings.
                self.s(b"/oauth/complete/azuread-oauth2/?code=1.AXoA");
                let n = self.rng.range(300, 700) as usize;
                self.random_from(B64URL, n);
                self.s(b"&state=");
                self.random_from(ALNUM, 32);
                self.s(b"&session_state=");
                self.guid();
                self.access_tail(
                    f.container,
                    f.pod,
                    302,
                    0,
                    "https://login.microsoftonline.com/",
                    f.ua.as_bytes(),
                );
            }
            _ => {
                self.out.push(b'/');
                let size = self.rng.range(20_000, 60_000);
                self.access_tail(
                    f.container,
                    f.pod,
                    200,
                    size,
                    "https://login.microsoftonline.com/",
                    f.ua.as_bytes(),
                );
            }
        }
        f.step += 1;
        f.gap = self.rng.range(1, 30) as u32;
        self.end()
    }
}
