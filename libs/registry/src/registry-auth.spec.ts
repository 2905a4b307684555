import { nextLink, parseChallenge } from './registry-auth';

describe('registry protocol helpers', () => {
  it('reads a bearer challenge', () => {
    expect(parseChallenge('Bearer realm="https://auth.example/token",service="registry.example",scope="repository:team/app:pull"')).toEqual(
      {
        scheme: 'bearer',
        params: { realm: 'https://auth.example/token', service: 'registry.example', scope: 'repository:team/app:pull' },
      },
    );
    expect(parseChallenge('Basic realm="Registry"')).toEqual({ scheme: 'basic', params: { realm: 'Registry' } });
    expect(parseChallenge(null)).toBeUndefined();
  });

  it('follows the Link header of a paginated listing', () => {
    expect(nextLink('</v2/_catalog?last=b&n=100>; rel="next"')).toBe('/v2/_catalog?last=b&n=100');
    expect(nextLink(null)).toBeUndefined();
  });
});
