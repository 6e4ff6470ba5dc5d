// Ends the run with one plain line, "browser: N passed, N failed", that CI logs can be read by.
class SummaryReporter {
  onBegin(config, suite) {
    this.suite = suite;
  }

  onEnd() {
    const counts = { passed: 0, failed: 0, skipped: 0 };
    for (const test of this.suite.allTests()) {
      const outcome = test.outcome();
      if (outcome === 'skipped') counts.skipped += 1;
      else if (outcome === 'expected' || outcome === 'flaky') counts.passed += 1;
      else counts.failed += 1;
    }
    const skipped = counts.skipped ? `, ${counts.skipped} skipped` : '';
    process.stdout.write(`\nbrowser: ${counts.passed} passed, ${counts.failed} failed${skipped}\n`);
  }

  printsToStdio() {
    return false;
  }
}

module.exports = SummaryReporter;
