//! Puts the lines of many streams into one output in timestamp order: a k-way merge over the
//! head batch of each stream, each stream's queue bounded, so memory stays bounded however
//! long the logs are. Without `--follow` a line waits until every open stream has shown its
//! next line. While following, a stream that has been silent for the reorder window stops
//! holding the others back, so lines come out at most about a window after they arrive.

use std::io;
use std::time::{Duration, Instant};

use tokio::sync::mpsc;
use tokio::sync::mpsc::error::TryRecvError;

use super::error::KubeError;
use super::line::Batch;

/// Output is handed to the caller in blocks of about this size (always whole lines).
const FLUSH_BYTES: usize = 64 << 10;

struct Slot {
    rx: mpsc::Receiver<Batch>,
    /// The batch whose lines are being merged, from line `pos` on.
    cur: Option<Batch>,
    pos: usize,
    /// False once the stream task is gone and its queue is drained.
    open: bool,
    /// When this stream last brought lines (or was added).
    active: Instant,
}

/// The k-way merge and the caller's output callback.
pub(crate) struct Merger<'a> {
    slots: Vec<Slot>,
    /// `None`: wait for every open stream (no `--follow`). `Some(w)`: a stream silent for `w`
    /// does not hold back the others.
    window: Option<Duration>,
    out: Vec<u8>,
    on_block: &'a mut dyn FnMut(&[u8]) -> io::Result<()>,
    /// Lines handed out.
    pub(crate) lines: u64,
    /// Bytes handed out.
    pub(crate) bytes: u64,
}

impl<'a> Merger<'a> {
    /// A merger writing to `on_block`.
    pub(crate) fn new(
        window: Option<Duration>,
        on_block: &'a mut dyn FnMut(&[u8]) -> io::Result<()>,
    ) -> Self {
        Merger {
            slots: Vec::new(),
            window,
            out: Vec::with_capacity(FLUSH_BYTES + (FLUSH_BYTES >> 2)),
            on_block,
            lines: 0,
            bytes: 0,
        }
    }

    /// Adds the queue of one stream.
    pub(crate) fn add(&mut self, rx: mpsc::Receiver<Batch>) {
        self.slots.push(Slot {
            rx,
            cur: None,
            pos: 0,
            open: true,
            active: Instant::now(),
        });
    }

    /// True when every stream has ended and all its lines are out.
    pub(crate) fn is_done(&self) -> bool {
        self.slots.is_empty()
    }

    /// Emits every line that can go out now, then flushes. With `drain` (at a stop) nothing
    /// waits for silent streams: every line already received goes out, in time order.
    pub(crate) fn step(&mut self, now: Instant, drain: bool) -> Result<(), KubeError> {
        loop {
            for slot in &mut self.slots {
                if slot.cur.is_none() && slot.open {
                    match slot.rx.try_recv() {
                        Ok(batch) if batch.is_empty() => {}
                        Ok(batch) => {
                            slot.cur = Some(batch);
                            slot.pos = 0;
                            slot.active = now;
                        }
                        Err(TryRecvError::Empty) => {}
                        Err(TryRecvError::Disconnected) => slot.open = false,
                    }
                }
            }
            self.slots.retain(|s| s.open || s.cur.is_some());

            let mut best: Option<(usize, i64)> = None;
            let mut second: Option<i64> = None;
            let mut blocked = false;
            for (i, slot) in self.slots.iter().enumerate() {
                match &slot.cur {
                    Some(batch) => {
                        let ts = batch.lines[slot.pos].0;
                        match best {
                            Some((_, b)) if ts >= b => {
                                second = Some(second.map_or(ts, |s| s.min(ts)));
                            }
                            Some((_, b)) => {
                                second = Some(second.map_or(b, |s| s.min(b)));
                                best = Some((i, ts));
                            }
                            None => best = Some((i, ts)),
                        }
                    }
                    None => {
                        let recent = self
                            .window
                            .is_none_or(|w| now.saturating_duration_since(slot.active) < w);
                        if slot.open && recent {
                            blocked = true;
                        }
                    }
                }
            }
            let Some((i, _)) = best else { break };
            if blocked && !drain {
                break;
            }
            // Emit the run of lines of the best stream up to the next stream's head.
            let slot = &mut self.slots[i];
            let batch = slot
                .cur
                .as_ref()
                .expect("best was chosen among slots with a batch");
            let first = slot.pos;
            let mut end = first + 1;
            while end < batch.lines.len() && second.is_none_or(|s| batch.lines[end].0 <= s) {
                end += 1;
            }
            let from = batch.start(first);
            let to = batch.lines[end - 1].1;
            if to - from >= FLUSH_BYTES {
                // A long run (a line of many megabytes) goes out as it is, not copied into
                // `out`, which would keep that much memory for the rest of the run.
                if !self.out.is_empty() {
                    (self.on_block)(&self.out).map_err(KubeError::Output)?;
                    self.out.clear();
                }
                (self.on_block)(&batch.data[from..to]).map_err(KubeError::Output)?;
            } else {
                self.out.extend_from_slice(&batch.data[from..to]);
            }
            self.lines += (end - first) as u64;
            self.bytes += (to - from) as u64;
            slot.pos = end;
            if end == batch.lines.len() {
                slot.cur = None;
            }
            if self.out.len() >= FLUSH_BYTES {
                self.flush()?;
            }
        }
        self.flush()
    }

    /// Hands out what is buffered.
    pub(crate) fn flush(&mut self) -> Result<(), KubeError> {
        if !self.out.is_empty() {
            (self.on_block)(&self.out).map_err(KubeError::Output)?;
            self.out.clear();
        }
        Ok(())
    }
}

#[cfg(test)]
#[path = "merge_tests.rs"]
mod tests;
