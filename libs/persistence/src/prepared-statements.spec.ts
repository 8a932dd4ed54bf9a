import { preparedStatement } from './prepared-statements';

describe('preparedStatement', () => {
  it('names one text the same way every time, and different texts differently', () => {
    const first = preparedStatement('SELECT $1::int AS one', [1]);
    const again = preparedStatement('SELECT $1::int AS one', [2]);
    const other = preparedStatement('SELECT $1::int AS two', [1]);
    expect(first.name).toMatch(/^careloop_[0-9a-f]{24}$/);
    expect(again).toEqual({ name: first.name, text: 'SELECT $1::int AS one', values: [2] });
    expect(other.name).not.toBe(first.name);
  });

  it('stops naming new texts once many distinct ones were seen, so Postgres is not flooded', () => {
    const known = preparedStatement('SELECT $1::text AS kept', ['a']);
    for (let index = 0; index < 250; index++) preparedStatement(`SELECT ${index} AS generated`);
    expect(preparedStatement('SELECT $1::text AS late', ['b']).name).toBeUndefined();
    expect(preparedStatement('SELECT $1::text AS kept', ['c']).name).toBe(known.name);
  });
});
