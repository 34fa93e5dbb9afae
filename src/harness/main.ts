// Entry of harness.html: exposes the engine to Playwright (tests, benchmarks, CLI) as window.lab.
export {}
