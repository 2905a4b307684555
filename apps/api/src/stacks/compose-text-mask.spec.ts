import { maskComposeText, restoreComposeText } from './compose-text-mask';

const STORED = `services:
  db:
    image: postgres
    environment:
      POSTGRES_PASSWORD: first-s3cret
      POSTGRES_USER: app
  api:
    image: api
    environment:
      - POSTGRES_PASSWORD=second-s3cret
      - API_TOKEN=\${API_TOKEN}
    secrets: [db_password]
  cache:
    image: redis
    environment:
      POSTGRES_PASSWORD: third-s3cret
`;

describe('compose text masking', () => {
  it('masks literal secret values, keeps references to variables and flow lists readable', () => {
    const masked = maskComposeText(STORED);
    expect(masked).not.toMatch(/s3cret/);
    expect(masked).toContain('POSTGRES_PASSWORD: ********');
    expect(masked).toContain('- POSTGRES_PASSWORD=********');
    expect(masked).toContain('- API_TOKEN=${API_TOKEN}');
    expect(masked).toContain('secrets: [db_password]');
    expect(masked).toContain('POSTGRES_USER: app');
  });

  it('puts each stored value back at the same occurrence of its key, so two services keep their own', () => {
    const edited = maskComposeText(STORED).replace('POSTGRES_USER: app', 'POSTGRES_USER: other');
    expect(restoreComposeText(edited, STORED)).toBe(STORED.replace('POSTGRES_USER: app', 'POSTGRES_USER: other'));
  });

  it('keeps a new value the client typed, and text without a mask as sent', () => {
    const edited = maskComposeText(STORED).replace('POSTGRES_PASSWORD: ********', 'POSTGRES_PASSWORD: changed');
    const restored = restoreComposeText(edited, STORED);
    expect(restored).toContain('POSTGRES_PASSWORD: changed');
    expect(restored).not.toContain('first-s3cret');
    expect(restored).toContain('- POSTGRES_PASSWORD=second-s3cret');
    expect(restored).toContain('POSTGRES_PASSWORD: third-s3cret');
    expect(restoreComposeText('services: {}\n', STORED)).toBe('services: {}\n');
  });
});
