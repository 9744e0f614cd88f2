import fc from 'fast-check';

// Property tests run with a fixed seed, so a test run (and CI) is reproducible; FUZZ_SEED=random (or a number)
// explores other inputs, and a failure prints the seed and path that replay it.
const seed = process.env['FUZZ_SEED'];
if (seed !== 'random') fc.configureGlobal({ seed: seed ? Number(seed) : 20261126 });
