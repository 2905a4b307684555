import { Controller, Get, Param } from '@nestjs/common';
import { ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { RequireRole } from '../auth/roles';
import { ConsoleTargetDto, TaskIdParams } from './console.dto';
import { ConsoleService } from './console.service';

@ApiTags('console')
@Controller('api/console')
export class ConsoleController {
  constructor(private readonly consoles: ConsoleService) {}

  /**
   * Where a console into this task would run: the task (404 unknown, 409 not running), its node and that node's agent.
   * The terminal itself is the WebSocket at `sessionPath` (admin, like this route).
   */
  @Get('tasks/:taskId')
  @RequireRole('admin')
  @ApiOkResponse({ type: ConsoleTargetDto })
  getConsoleTarget(@Param() { taskId }: TaskIdParams): Promise<ConsoleTargetDto> {
    return this.consoles.describe(taskId);
  }
}
