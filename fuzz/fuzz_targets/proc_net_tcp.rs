//! /proc/net/tcp and tcp6 parsing never panics, and every socket it returns
//! is a LISTEN socket with a port the kernel could print.
#![no_main]
use ccauth::gather::listeners::parse_proc_net_tcp;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|bytes: &[u8]| {
    for socket in parse_proc_net_tcp(bytes) {
        let _ = (socket.is_loopback(), socket.accepts(socket.address));
        assert!(socket.accepts(socket.address));
    }
});
