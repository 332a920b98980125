//! The cluster as a [`Source`]: every selected container's log, merged in time order, is
//! one log shaped like `kubectl logs --prefix --timestamps`, so the framer and analyzer read
//! it as they would read a saved file.

use std::sync::atomic::AtomicBool;

use crate::error::Error;
use crate::source::{Block, Log, ReadFailure, ReadStats, Sink, Source};

use super::{KubeOptions, KubeStats, stream};

/// A feed buffer bigger than this after a block is dropped rather than kept for the next.
const KEEP_BUFFER: usize = 4 << 20;

/// The pods `options` select, read until their logs end (or, with `--follow`, until `stop`
/// is set).
pub struct KubeSource<'a> {
    name: String,
    options: &'a KubeOptions,
    stop: &'a AtomicBool,
    /// What the streams did, once read.
    pub stats: KubeStats,
}

impl<'a> KubeSource<'a> {
    /// The cluster's logs, named `name` in the report.
    pub fn new(name: String, options: &'a KubeOptions, stop: &'a AtomicBool) -> Self {
        KubeSource {
            name,
            options,
            stop,
            stats: KubeStats::default(),
        }
    }
}

impl Source for KubeSource<'_> {
    fn read(&mut self, sink: &mut dyn Sink) {
        let KubeSource {
            name,
            options,
            stop,
            stats,
        } = self;
        sink.log(
            name.clone(),
            Log::Blocks(&mut |feed| {
                let mut buffer = Block::default();
                let result = stream(options, stop, &mut |block| {
                    buffer.fill_from(block);
                    feed(&mut buffer);
                    if buffer.data.capacity() > KEEP_BUFFER {
                        // A block of one very long line: give its memory back.
                        buffer = Block::default();
                    }
                    Ok(())
                });
                match result {
                    Ok(s) => {
                        *stats = s;
                        Ok(ReadStats {
                            bytes: stats.bytes,
                            split_lines: stats.split_lines,
                            ..ReadStats::default()
                        })
                    }
                    Err(e) => Err(ReadFailure {
                        error: Error::Cluster {
                            message: e.to_string(),
                        },
                        stats: ReadStats::default(),
                    }),
                }
            }),
        );
    }
}
