import { answersDigest } from './canonical-answers';

describe('answersDigest', () => {
  it('should not depend on key order, at any depth', () => {
    expect(answersDigest({ nps: 9, rooms: { exam: 2, waiting: 1 } })).toBe(
      answersDigest({ rooms: { waiting: 1, exam: 2 }, nps: 9 }),
    );
  });

  it('should tell different answers apart, including list order and types', () => {
    const digest = answersDigest({ liked: ['parking', 'coffee'] });
    expect(answersDigest({ liked: ['coffee', 'parking'] })).not.toBe(digest);
    expect(answersDigest({ nps: 9 })).not.toBe(answersDigest({ nps: '9' }));
  });
});
