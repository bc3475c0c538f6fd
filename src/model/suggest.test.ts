import { describe, expect, it } from 'vitest';
import { closestNames, didYouMean } from './suggest.js';

describe('closestNames', () => {
  it.each([
    ['htp', ['http', 'tcp', 'dns'], ['http']],
    ['nope', ['name', 'note'], ['note']],
    ['timout', ['timeout', 'retries', 'hold'], ['timeout']],
    ['stauts', ['status', 'headers', 'body'], ['status']],
    ['Status', ['status'], []],
    ['zzzzzz', ['status', 'body'], []],
  ])('%s among %j -> %j', (word, candidates, want) => {
    expect(closestNames(word, candidates)).toEqual(want);
  });
});

describe('didYouMean', () => {
  it('names the nearest, or says nothing', () => {
    expect(didYouMean('timout', ['timeout'])).toBe(' did you mean "timeout"?');
    expect(didYouMean('qqqq', ['timeout'])).toBe('');
  });
});
