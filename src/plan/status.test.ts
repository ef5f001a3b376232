import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { annualTrajectory, cumulativeTrajectory, forecast, judge, progressShare, runningTotals, type TargetPoint } from './status.js';

const t = (year: number, value: number | null, min: number | null = null, max: number | null = null): TargetPoint => ({ year, value, min, max });
const plan10 = new Map([
  [2017, 10],
  [2018, 10],
  [2019, 10],
  [2020, 10],
]);

describe('cumulative trajectory', () => {
  it('follows the running sum of the annual plan when it adds up to the target', () => {
    assert.deepEqual(
      cumulativeTrajectory(2017, [t(2020, 40)], plan10).map((p) => [p.year, p.value, p.basis]),
      [
        [2017, 10, 'annual-plan'],
        [2018, 20, 'annual-plan'],
        [2019, 30, 'annual-plan'],
        [2020, 40, 'target'],
      ],
    );
  });
  it('draws a straight line from zero when the annual plan does not add up to a (revised) target', () => {
    assert.deepEqual(
      cumulativeTrajectory(2017, [t(2020, 60)], plan10).map((p) => p.value),
      [15, 30, 45, 60],
    );
  });
  it('continues through a later paired target (700 by FY2020, 1,200 by FY2024)', () => {
    const tr = cumulativeTrajectory(2017, [t(2020, 700), t(2024, 1200)], new Map());
    assert.equal(tr.find((p) => p.year === 2020)?.value, 700);
    assert.equal(tr.find((p) => p.year === 2022)?.value, 950);
    assert.equal(tr.at(-1)?.value, 1200);
  });
});

describe('annual trajectory', () => {
  it('interpolates between two targets and invents nothing before the first', () => {
    const tr = annualTrajectory([t(2020, 42.6), t(2024, 45.6)]);
    assert.equal(tr.find((p) => p.year === 2019), undefined);
    assert.equal(tr.find((p) => p.year === 2020)?.basis, 'target');
    assert.ok(Math.abs(tr.find((p) => p.year === 2022)!.value - 44.1) < 1e-9);
  });
});

describe('judge', () => {
  const tr = cumulativeTrajectory(2017, [t(2020, 40)], plan10);
  it('says no data when nothing is reported', () => {
    assert.equal(judge('cumulative', 2017, [t(2020, 40)], [], tr).code, 'no_data');
  });
  it('judges a cumulative indicator on the running total against the running sum', () => {
    const v = [
      { year: 2017, value: 12 },
      { year: 2018, value: 9 },
    ];
    const j = judge('cumulative', 2017, [t(2020, 40)], v, tr);
    assert.equal(j.code, 'on_track');
    assert.equal(j.actual, 21);
    assert.equal(j.expected, 20);
    assert.equal(judge('cumulative', 2017, [t(2020, 40)], [{ year: 2017, value: 8 }, { year: 2018, value: 9 }], tr).code, 'at_risk'); // 17 of 20 = 85 %
    assert.equal(judge('cumulative', 2017, [t(2020, 40)], [{ year: 2017, value: 5 }, { year: 2018, value: 5 }], tr).code, 'off_track'); // 50 %
  });
  it('does not count baseline years before the plan in a running total', () => {
    const j = judge('cumulative', 2017, [t(2020, 40)], [{ year: 2015, value: 100 }, { year: 2017, value: 5 }], tr);
    assert.equal(j.actual, 5);
  });
  it('marks a cumulative target reached as achieved and a missed one as off track', () => {
    assert.equal(judge('cumulative', 2017, [t(2020, 40)], [{ year: 2017, value: 41 }], tr).code, 'achieved');
    assert.equal(judge('cumulative', 2017, [t(2020, 40)], [2017, 2018, 2019, 2020].map((y) => ({ year: y, value: 9 })), tr).code, 'off_track');
  });
  it('caps the judged year at the last target year', () => {
    const j = judge('cumulative', 2017, [t(2020, 40)], [{ year: 2017, value: 10 }, { year: 2023, value: 100 }], tr);
    assert.equal(j.year, 2017);
  });
  it('says "no interim target" for an annual figure in a year with no target and no line', () => {
    const targets = [t(2020, 500)];
    assert.equal(judge('annual', 2017, targets, [{ year: 2018, value: 300 }], annualTrajectory(targets)).code, 'no_interim_target');
    assert.equal(judge('annual', 2017, targets, [{ year: 2020, value: 520 }], annualTrajectory(targets)).code, 'achieved');
    assert.equal(judge('annual', 2017, targets, [{ year: 2020, value: 460 }], annualTrajectory(targets)).code, 'at_risk');
    assert.equal(judge('annual', 2017, targets, [{ year: 2020, value: 300 }], annualTrajectory(targets)).code, 'off_track');
  });
  it('judges an annual figure between two targets against the line', () => {
    const targets = [t(2020, 42.6), t(2024, 45.6)];
    assert.equal(judge('annual', 2017, targets, [{ year: 2022, value: 44.2 }], annualTrajectory(targets)).code, 'on_track');
  });
  it('judges a range as inside or outside', () => {
    const targets = [t(2024, null, 10, 19.9)];
    assert.equal(judge('range', 2017, targets, [{ year: 2020, value: 12 }], []).code, 'achieved');
    assert.equal(judge('range', 2017, targets, [{ year: 2020, value: 6 }], []).code, 'at_risk');
    assert.equal(judge('range', 2017, targets, [{ year: 2024, value: 6 }], []).code, 'off_track');
  });
  it('judges a milestone done by its date', () => {
    const targets = [t(2019, null)];
    assert.equal(judge('milestone', 2017, targets, [{ year: 2019, value: 1 }], []).code, 'achieved');
    assert.equal(judge('milestone', 2017, targets, [{ year: 2018, value: 0 }], []).code, 'on_track');
    assert.equal(judge('milestone', 2017, targets, [{ year: 2019, value: 0 }], []).code, 'off_track');
    assert.equal(judge('milestone', 2017, targets, [{ year: 2020, value: 1 }], []).code, 'off_track');
  });
});

describe('forecast and progress', () => {
  it('forecasts a cumulative indicator at its average pace', () => {
    const f = forecast('cumulative', 2017, [t(2020, 40)], [{ year: 2017, value: 12 }, { year: 2018, value: 8 }]);
    assert.deepEqual(f, { year: 2020, value: 40, method: 'average-pace' });
  });
  it('forecasts an annual indicator by a linear trend, or the last value from one point', () => {
    const f = forecast('annual', 2017, [t(2020, 500)], [{ year: 2017, value: 100 }, { year: 2018, value: 200 }]);
    assert.equal(f?.method, 'linear-trend');
    assert.ok(Math.abs(f!.value - 400) < 1e-9);
    assert.equal(forecast('annual', 2017, [t(2020, 500)], [{ year: 2018, value: 200 }])?.method, 'last-value');
    assert.equal(forecast('milestone', 2017, [t(2019, null)], [{ year: 2018, value: 0 }]), null);
  });
  it('reports progress as a share of the governing target', () => {
    const tr = cumulativeTrajectory(2017, [t(2020, 40)], plan10);
    const j = judge('cumulative', 2017, [t(2020, 40)], [{ year: 2017, value: 10 }], tr);
    assert.equal(progressShare('cumulative', [t(2020, 40)], j), 0.25);
  });
  it('computes running totals from the first plan year', () => {
    assert.deepEqual(runningTotals([{ year: 2016, value: 3 }, { year: 2018, value: 2 }, { year: 2017, value: 1 }], 2017), [
      { year: 2017, value: 1 },
      { year: 2018, value: 3 },
    ]);
  });
});

describe('a target year still in progress', () => {
  it('is judged on pace, not declared missed', () => {
    const tr = cumulativeTrajectory(2017, [t(2020, 40)], plan10);
    const v = [2017, 2018, 2019, 2020].map((y) => ({ year: y, value: 9 }));
    assert.equal(judge('cumulative', 2017, [t(2020, 40)], v, tr, 2020).code, 'at_risk');
    assert.equal(judge('cumulative', 2017, [t(2020, 40)], v, tr, 2021).code, 'off_track');
  });
});
