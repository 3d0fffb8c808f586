// Proves the controller's web dashboard works in a real browser: login, the slave's and the
// master's task tables, state and lag, the channel table, Stop/Start, and the text for a
// cluster without replication. How: a real master/slave pair and a plain cluster (processes
// on loopback), Debian's headless Chromium driven by playwright-core; screenshots in test-output/.

import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { chromium } from 'playwright-core';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Connection } from '../src/client/index.ts';
import { startTestCluster, TEST_ADMIN_PASSWORD } from '../src/cluster/process/test-cluster.ts';
import type { TestCluster } from '../src/cluster/process/test-cluster.ts';
import {
  adminSession,
  eventually,
  startReplicationPair,
  tableColumn as column,
} from '../src/replication/test-support.ts';
import type { ReplicationPair } from '../src/replication/test-support.ts';

const CHROMIUM = '/usr/bin/chromium';
const HAS_BROWSER = existsSync(CHROMIUM);
const REQUIRE_BROWSER = process.env['SHOAL_REQUIRE_BROWSER'] === '1';
const OUTPUT = path.resolve(import.meta.dirname, '..', 'test-output');

const DB = 'dfs://dashboard';
const TABLE = `loadTable("${DB}", "t")`;
const SLAVE_STATUS = 'rpc(getControllerAlias(), getSlaveReplicationStatus)';
const SLAVE_STATE = 'rpc(getControllerAlias(), getClusterReplicationState)';

/** A table of the page as rows of cell texts by column name (the "none" row left out). */
type PageRows = Record<string, string>[];

// Read in one evaluation, so a re-render between reads cannot mix two versions of the table.
function tableScript(id: string): string {
  return `(() => {
    const table = document.getElementById(${JSON.stringify(id)});
    const columns = [...table.querySelectorAll('thead th')].map((c) => c.textContent);
    return [...table.querySelectorAll('tbody tr')]
      .filter((r) => r.querySelector('td.empty') === null)
      .map((r) => Object.fromEntries([...r.cells].map((c, i) => [columns[i], c.textContent])));
  })()`;
}

async function pageTable(page: Page, id: string): Promise<PageRows> {
  return page.evaluate<PageRows>(tableScript(id));
}

/** Waits until element `id` shows exactly `text`. */
async function waitForText(page: Page, id: string, text: string): Promise<void> {
  await page
    .locator(`#${id}`)
    .filter({ hasText: new RegExp(`^${text}$`) })
    .waitFor();
}

/** Opens `url`'s dashboard in a new page and logs in as admin; errors of the page are kept. */
async function openDashboard(browser: Browser, url: string, errors: string[]): Promise<Page> {
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  page.setDefaultTimeout(60_000);
  page.on('pageerror', (error) => errors.push(error.message));
  // A refused call also logs "Failed to load resource"; the page shows those itself.
  page.on('console', (message) => {
    if (message.type() === 'error' && !message.text().startsWith('Failed to load resource'))
      errors.push(message.text());
  });
  // Every Stop/Start/Skip asks for confirmation; the test says yes.
  page.on('dialog', (dialog) => void dialog.accept());
  await page.goto(`${url}/dashboard`);
  await page.fill('#user', 'admin');
  await page.fill('#password', TEST_ADMIN_PASSWORD);
  await page.click('#login-submit');
  await page.locator('#app').waitFor();
  return page;
}

async function screenshot(page: Page, name: string): Promise<void> {
  // The chart draws into a canvas once the first state arrived; a few polls make a line.
  await page.locator('#chart canvas').first().waitFor();
  await expect
    .poll(async () => Number(await page.getAttribute('#chart', 'data-points')), {
      timeout: 30_000,
    })
    .toBeGreaterThanOrEqual(3);
  await mkdir(OUTPUT, { recursive: true });
  await page.screenshot({ path: path.join(OUTPUT, name), fullPage: true });
}

describe.runIf(!HAS_BROWSER && REQUIRE_BROWSER)('the dashboard browser test', () => {
  it('needs Chromium', () => {
    throw new Error(
      `SHOAL_REQUIRE_BROWSER=1 but ${CHROMIUM} does not exist: install Debian's chromium (apt-get install chromium)`,
    );
  });
});

describe.skipIf(!HAS_BROWSER)(
  `the web dashboard in headless Chromium${HAS_BROWSER ? '' : ` (skipped: no ${CHROMIUM}; install Debian's chromium)`}`,
  () => {
    let pair: ReplicationPair | undefined;
    let plainCluster: TestCluster | undefined;
    let browser: Browser | undefined;
    let onMaster: Connection;
    let onSlave: Connection;
    const errors: string[] = [];

    beforeAll(async () => {
      pair = await startReplicationPair({ dataNodes: 1 });
      onMaster = await adminSession(pair.master.dataNodeUrls[0] as string);
      onSlave = await adminSession(pair.slave.dataNodeUrls[0] as string);
      // The slave registers before the first task, so it needs no full resync.
      await eventually(
        () => onMaster.runOne('getRecentSlaveReplicationInfo()'),
        (info) => column(info, 'connectedController').length === 1,
      );
      await onMaster.run(`create database "${DB}" partitioned by VALUE(0..9)`);
      await onMaster.run(`setDatabaseForClusterReplication("${DB}", true)`);
      await onMaster.run(`create table "${DB}"."t"(id INT, p INT) partitioned by p`);
      await onMaster.run(`insert into ${TABLE} values (1, 1), (2, 2)`);
      await onMaster.run(`insert into ${TABLE} values (3, 3)`);
      const last = Number(
        column(await onMaster.runOne('getClusterReplicationState()'), 'lastTaskId')[0],
      );
      await eventually(
        () => onSlave.runOne(SLAVE_STATUS),
        (status) =>
          column(status, 'taskId').length === last &&
          column(status, 'state').every((s) => s === 'FINISHED'),
      );
      browser = await chromium.launch({
        executablePath: CHROMIUM,
        headless: true,
        args: [
          '--headless',
          '--no-sandbox',
          '--disable-gpu',
          '--disable-quic',
          '--no-first-run',
          '--disable-background-networking',
          '--disable-component-update',
          '--disable-sync',
        ],
      });
    }, 300_000);

    afterAll(async () => {
      // Each step runs whatever the one before did, so nothing outlives a failed test.
      await browser?.close().catch(() => undefined);
      await onMaster?.close().catch(() => undefined);
      await onSlave?.close().catch(() => undefined);
      await plainCluster?.stop().catch(() => undefined);
      await pair?.stop();
    }, 120_000);

    it('logs in on the slave and shows its finished tasks, ENABLED and lag 0', async () => {
      const page = await browser!.newPage();
      await page.goto(`${pair!.slave.controllerUrl}/dashboard`);
      await page.fill('#password', 'wrong');
      await page.click('#login-submit');
      await page.locator('#login-error').filter({ hasText: /./ }).waitFor();
      expect(await page.locator('#app').isHidden()).toBe(true);
      await page.close();

      const slavePage = await openDashboard(browser!, pair!.slave.controllerUrl, errors);
      await slavePage.locator('#tasks tbody tr[data-key]').first().waitFor();
      await waitForText(slavePage, 'state', 'ENABLED');
      expect(await slavePage.textContent('#lag-tasks')).toBe('0');
      expect(await slavePage.textContent('#cluster-role')).toBe('slave cluster');
      const expected = await onSlave.runOne(SLAVE_STATUS);
      const rows = await pageTable(slavePage, 'tasks');
      // Newest first on the page.
      expect(rows.map((r) => Number(r['taskId']))).toEqual(
        column(expected, 'taskId').map(Number).reverse(),
      );
      expect(rows.map((r) => r['state'])).toEqual(rows.map(() => 'FINISHED'));
      expect(rows.map((r) => r['operationType'])).toContain('CREATE_PARTITIONED_TABLE');
      expect((await pageTable(slavePage, 'nodes')).map((n) => n['state'])).toEqual(['up', 'up']);
      expect(await slavePage.locator('#queues').isVisible()).toBe(true);
      expect(await slavePage.locator('#channels-section').isHidden()).toBe(true);
      // The FAILED filter leaves no task: none failed.
      await slavePage.check('#failed-only');
      await slavePage.locator('#tasks td.empty').waitFor();
      await slavePage.uncheck('#failed-only');
      await slavePage.locator('#tasks tbody tr[data-key]').first().waitFor();
      await slavePage.close();
    }, 120_000);

    it('stops and starts the slave with the buttons, and the SDK sees the same state', async () => {
      const page = await openDashboard(browser!, pair!.slave.controllerUrl, errors);
      await waitForText(page, 'state', 'ENABLED');
      expect(await page.isDisabled('#start')).toBe(true);
      await page.click('#stop');
      await waitForText(page, 'state', 'DISABLED');
      expect(column(await onSlave.runOne(SLAVE_STATE), 'state')).toEqual(['DISABLED']);
      expect(await page.textContent('#message')).toContain('stopped');
      expect(await page.isDisabled('#skip')).toBe(false);

      await page.click('#start');
      await waitForText(page, 'state', 'ENABLED');
      expect(column(await onSlave.runOne(SLAVE_STATE), 'state')).toEqual(['ENABLED']);

      // New writes on the master show up on the page while it is open.
      await onMaster.run(`insert into ${TABLE} values (4, 4), (5, 5)`);
      const last = String(
        column(await onMaster.runOne('getClusterReplicationState()'), 'lastTaskId')[0],
      );
      await waitForText(page, 'last-finished', last);
      await page.locator(`#tasks tr[data-key="${last}"] td.state.ok`).waitFor();
      await screenshot(page, 'dashboard-slave.png');
      await page.close();
    }, 120_000);

    it("shows the master's tasks and the slave in its channel table", async () => {
      const page = await openDashboard(browser!, pair!.master.controllerUrl, errors);
      await page.locator('#channels tbody tr').first().waitFor();
      await waitForText(page, 'state', 'ENABLED');
      expect(await page.textContent('#cluster-role')).toBe('master cluster');
      const status = await onMaster.runOne('getMasterReplicationStatus()');
      await page.locator(`#tasks tr[data-key="${column(status, 'taskId').at(-1)}"]`).waitFor();
      const tasks = await pageTable(page, 'tasks');
      expect(tasks.map((r) => Number(r['taskId']))).toEqual(
        column(status, 'taskId').map(Number).reverse(),
      );
      expect(tasks.map((r) => r['dbName'])).toEqual(tasks.map(() => DB));
      const channel = await onMaster.runOne('getReplicationChannelStatus()');
      const channels = await pageTable(page, 'channels');
      expect(channels.map((c) => c['slave'])).toEqual(column(channel, 'slave'));
      expect(['CONNECTED', 'ACTIVE']).toContain(channels[0]?.['channelState']);
      expect(await page.locator('#queues-section').isHidden()).toBe(true);
      expect(await page.locator('#skip-controls').isHidden()).toBe(true);
      await screenshot(page, 'dashboard-master.png');
      await page.close();
    }, 120_000);

    it('shows only the nodes of a cluster without replication, and says so', async () => {
      plainCluster = await startTestCluster({ dataNodes: 1 });
      const page = await openDashboard(browser!, plainCluster.controllerUrl, errors);
      await page.locator('#not-configured').waitFor();
      await page.locator('#nodes tbody tr').nth(1).waitFor();
      expect((await pageTable(page, 'nodes')).map((n) => n['role'])).toEqual([
        'controller',
        'datanode',
      ]);
      expect(await page.textContent('#not-configured')).toContain('Replication is not configured');
      for (const hidden of ['#replication-body', '#chart-section', '#tasks-section']) {
        expect(await page.locator(hidden).isHidden()).toBe(true);
      }
      await page.close();
      // No script error, refused resource or failed call in any page of this file.
      expect(errors).toEqual([]);
    }, 180_000);
  },
);
