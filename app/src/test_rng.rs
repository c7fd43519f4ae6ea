//! A seeded random generator for the property tests (`fuzz_tests` modules): xorshift64* behind
//! `rand`'s traits, so tests get `Rng`'s API, reproducible and much cheaper than `StdRng` in
//! unoptimised test builds (there ChaCha was most of the run time).
use rand::RngCore;

/// xorshift64*, seeded.
pub struct Prng(u64);

impl Prng {
    /// A generator for one test's `stream` under a module's `base` seed.
    pub fn seeded(base: u64, stream: u64) -> Prng {
        Prng((base ^ stream) | 1)
    }
}

impl RngCore for Prng {
    fn next_u32(&mut self) -> u32 {
        (self.next_u64() >> 32) as u32
    }

    fn next_u64(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    fn fill_bytes(&mut self, dest: &mut [u8]) {
        for chunk in dest.chunks_mut(8) {
            let n = chunk.len();
            chunk.copy_from_slice(&self.next_u64().to_le_bytes()[..n]);
        }
    }

    fn try_fill_bytes(&mut self, dest: &mut [u8]) -> Result<(), rand::Error> {
        self.fill_bytes(dest);
        Ok(())
    }
}
