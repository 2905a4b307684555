import { readFileSync } from 'node:fs';
import { OPENAPI_FILE, renderOpenApi } from '../scripts/openapi';

describe('the committed OpenAPI document', () => {
  jest.setTimeout(30_000);
  it('matches what the controllers describe (run `npm run openapi` after changing a route or DTO)', async () => {
    const committed = readFileSync(OPENAPI_FILE, 'utf8');
    const current = await renderOpenApi();
    expect(JSON.parse(committed)).toEqual(JSON.parse(current));
  });
});
