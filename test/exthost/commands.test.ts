import './setup';
import * as assert from 'assert';
import * as vscode from 'vscode';
import { activateApi } from './helpers';

describe('commands', () => {
  before(async () => {
    await activateApi();
  });

  for (const command of [
    'grokkingInspector.startRun',
    'grokkingInspector.stopRun',
    'grokkingInspector.resumeRun',
    'grokkingInspector.showPanel',
    'grokkingInspector.showIsingPanel',
    'grokkingInspector.showLog',
  ]) {
    it(`registers ${command}`, async () => {
      const registered = await vscode.commands.getCommands(true);
      assert.ok(registered.includes(command), `${command} is not registered`);
    });
  }
});
