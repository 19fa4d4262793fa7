// Prints the fault matrix of tests/faults.spec.mjs (call × failure, pass/fail per cell) at the end of the
// run, and writes it beside the other results as fault-matrix.txt.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export default class FaultMatrixReporter {
  constructor() {
    this.cells = new Map();
    this.calls = [];
    this.faults = [];
  }

  onBegin(config) {
    this.outputDir = config.projects[0]?.outputDir ?? 'test-results';
  }

  onTestEnd(test, result) {
    const match = /^(.+) × (.+)$/.exec(test.title);
    if (!match || !test.parent.title.includes('fault matrix')) return;
    const [, call, fault] = match;
    if (!this.calls.includes(call)) this.calls.push(call);
    if (!this.faults.includes(fault)) this.faults.push(fault);
    this.cells.set(`${call}|${fault}`, result.status === 'passed' ? 'pass' : 'FAIL');
  }

  onEnd() {
    if (this.cells.size === 0) return;
    const width = Math.max(...this.faults.map((f) => f.length)) + 2;
    const columns = this.calls.map((c) => Math.max(c.length, 4) + 2);
    const lines = [
      'Fault matrix (tests/faults.spec.mjs)',
      ''.padEnd(width) + this.calls.map((c, i) => c.padEnd(columns[i])).join(''),
      ...this.faults.map((fault) => fault.padEnd(width)
        + this.calls.map((call, i) => (this.cells.get(`${call}|${fault}`) ?? '-').padEnd(columns[i])).join('')),
    ];
    const passed = [...this.cells.values()].filter((v) => v === 'pass').length;
    lines.push(`${passed} of ${this.cells.size} cells passed`);
    const table = lines.join('\n');
    console.log(`\n${table}\n`);
    mkdirSync(this.outputDir, { recursive: true });
    writeFileSync(join(this.outputDir, 'fault-matrix.txt'), `${table}\n`);
  }
}
