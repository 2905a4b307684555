import { Injectable } from '@nestjs/common';
import { AlertRuleId, AlertRulesFile, AlertRulesState } from '@app/catalog';
import { AlertEngine } from './alert-engine';
import { AlertRulesDto, AlertRuleSetDto, toAlertRuleDto } from './alert-rules.dto';

/** The rules in force and DATA_DIR/alerts.yaml: read by anyone, changed by an admin (the whole file, or a form's settings). */
@Injectable()
export class AlertRulesService {
  constructor(
    private readonly rulesFile: AlertRulesFile,
    private readonly engine: AlertEngine,
  ) {}

  async getRules(): Promise<AlertRulesDto> {
    const state = await this.rulesFile.read();
    return rulesDto(this.rulesFile.path, state);
  }

  async updateRules(yaml: string): Promise<AlertRulesDto> {
    const state = await this.rulesFile.write(yaml);
    await this.engine.evaluate();
    return rulesDto(this.rulesFile.path, state);
  }

  async patchRules(changes: Partial<Record<AlertRuleId, Record<string, unknown>>>): Promise<AlertRulesDto> {
    const state = await this.rulesFile.patch(changes);
    await this.engine.evaluate();
    return rulesDto(this.rulesFile.path, state);
  }
}

function rulesDto(path: string, state: AlertRulesState): AlertRulesDto {
  return {
    path,
    rules: Object.fromEntries(Object.entries(state.rules).map(([k, r]) => [k, toAlertRuleDto(r)])) as unknown as AlertRuleSetDto,
    yaml: state.text,
    error: state.error,
  };
}
