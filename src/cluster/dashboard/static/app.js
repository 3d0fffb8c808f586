// The Shoal dashboard's script: plain browser JavaScript, no build step. It logs in through
// the controller's public login route, keeps the token in sessionStorage, and every 2 s asks
// POST /dashboard/api/call for the cluster's nodes and replication status, which it renders
// as tables and a uPlot chart kept in the page. Data is only ever set as text, never as HTML.
// Browser globals, and uPlot from /dashboard/uplot.js:
/* global uPlot, document, window, fetch, sessionStorage, setTimeout, clearTimeout, confirm */

'use strict';

(() => {
  const POLL_MILLIS = 2000;
  // Points kept for the chart: 10 minutes of polls.
  const CHART_POINTS = 300;
  // The page keeps at least this much time on the chart's x axis, even with one point.
  const CHART_MIN_SECONDS = 60;
  const STATUS_LIMIT = 1000;
  // Task table columns shown first (the rest follow in the function's order): what an
  // operator reads first fits on the screen without scrolling.
  const TASK_COLUMNS_FIRST = [
    'taskId',
    'state',
    'operationType',
    'dbName',
    'tableName',
    'submitTime',
    'createTime',
    'finishTime',
    'executionNode',
    'isTruncated',
    'details',
  ];
  const TOKEN_KEY = 'shoal.dashboard.token';
  const USER_KEY = 'shoal.dashboard.user';

  const $ = (id) => document.getElementById(id);

  const view = {
    timer: null,
    polling: false,
    again: false,
    // undefined until the first poll; then 'master', 'slave' or null (not configured).
    role: undefined,
    state: null,
    chart: null,
    samples: { t: [], lagTasks: [], lagSeconds: [], tasksPerSec: [] },
    previous: null,
    shown: new Map(),
  };

  // ---- calls -------------------------------------------------------------------------------

  class CallError extends Error {
    constructor(kind, message) {
      super(message);
      this.kind = kind;
    }
  }

  async function post(path, body, token) {
    const headers = { 'content-type': 'application/json' };
    if (token) headers.authorization = `Bearer ${token}`;
    const response = await fetch(path, { method: 'POST', headers, body: JSON.stringify(body) });
    const json = await response.json().catch(() => null);
    if (!response.ok) {
      throw new CallError(json?.kind ?? 'HTTP', json?.message ?? `HTTP ${response.status}`);
    }
    return json;
  }

  function call(fn, args = []) {
    return post('/dashboard/api/call', { fn, args }, sessionStorage.getItem(TOKEN_KEY));
  }

  // ---- login -------------------------------------------------------------------------------

  async function login(event) {
    event.preventDefault();
    $('login-error').textContent = '';
    try {
      const session = await post('/api/login', {
        user: $('user').value,
        password: $('password').value,
      });
      sessionStorage.setItem(TOKEN_KEY, session.token);
      sessionStorage.setItem(USER_KEY, session.user);
      $('password').value = '';
      showApp();
    } catch (error) {
      $('login-error').textContent = error.message;
    }
  }

  async function logout() {
    const token = sessionStorage.getItem(TOKEN_KEY);
    showLogin('');
    if (token) await post('/api/logout', {}, token).catch(() => undefined);
  }

  function showLogin(reason) {
    sessionStorage.removeItem(TOKEN_KEY);
    sessionStorage.removeItem(USER_KEY);
    clearTimeout(view.timer);
    view.timer = null;
    $('app').hidden = true;
    $('logout').hidden = true;
    $('who').textContent = '';
    $('login').hidden = false;
    $('login-error').textContent = reason;
  }

  function showApp() {
    $('login').hidden = true;
    $('app').hidden = false;
    $('logout').hidden = false;
    $('who').textContent = sessionStorage.getItem(USER_KEY) ?? '';
    void poll();
  }

  // ---- polling -----------------------------------------------------------------------------

  // One poll at a time; a poll asked for meanwhile (after an action) runs right after it.
  async function poll() {
    if (view.polling) {
      view.again = true;
      return;
    }
    view.polling = true;
    view.again = false;
    clearTimeout(view.timer);
    try {
      await refresh();
    } catch (error) {
      if (['SESSION_EXPIRED', 'AUTH_FAILED', 'PERMISSION_DENIED'].includes(error.kind)) {
        showLogin(error.message);
        return;
      }
      showMessage(`refresh failed: ${error.message}`, true);
    } finally {
      view.polling = false;
    }
    if (!$('app').hidden) view.timer = setTimeout(poll, view.again ? 0 : POLL_MILLIS);
  }

  async function refresh() {
    const [nodes, state] = await Promise.all([
      call('getClusterPerf'),
      call('getClusterReplicationState').catch((error) => {
        if (error.kind === 'REPLICATION_NOT_ENABLED') return null;
        throw error;
      }),
    ]);
    renderTable('nodes', nodes, { decorate: stateClass });
    if (state === null) {
      showRole(null);
      return;
    }
    const row = rowObject(state, 0);
    showRole(row.role);
    showState(row);
    addSample(row);
    if (row.role === 'master') await refreshMaster();
    else await refreshSlave();
  }

  async function refreshMaster() {
    const [tasks, channels] = await Promise.all([
      call('getMasterReplicationStatus', [STATUS_LIMIT]),
      call('getReplicationChannelStatus'),
    ]);
    renderTasks(tasks);
    renderTable('channels', channels, { decorate: stateClass });
  }

  async function refreshSlave() {
    const [tasks, queues] = await Promise.all([
      call('getSlaveReplicationStatus', [STATUS_LIMIT]),
      call('getSlaveReplicationQueueStatus'),
    ]);
    renderTasks(tasks);
    renderTable('queues', queues, { decorate: stateClass });
  }

  // ---- replication state -------------------------------------------------------------------

  function showRole(role) {
    if (role === view.role) return;
    view.role = role;
    const configured = role !== null;
    $('cluster-role').hidden = false;
    $('cluster-role').textContent = configured ? `${role} cluster` : 'no replication';
    $('not-configured').hidden = configured;
    $('replication-body').hidden = !configured;
    $('chart-section').hidden = !configured;
    $('tasks-section').hidden = !configured;
    $('channels-section').hidden = role !== 'master';
    $('queues-section').hidden = role !== 'slave';
    $('failed-filter').hidden = role !== 'slave';
    $('skip-controls').hidden = role !== 'slave';
  }

  function showState(row) {
    view.state = row.state;
    $('state').textContent = row.state;
    $('state').className = stateClass(row.state);
    $('lag-tasks').textContent = String(row.lagTasks);
    $('lag-seconds').textContent = formatNumber(row.lagSeconds);
    $('last-task').textContent = String(row.lastTaskId);
    $('last-finished').textContent = String(row.lastFinishedTaskId);
    $('backlog').textContent = `${row.backlogWeight} / ${formatBytes(row.backlogBytes)}`;
    $('details').textContent = row.details ?? '';
    $('stop').disabled = row.state === 'DISABLED';
    $('start').disabled = row.state === 'ENABLED';
    // SPEC §7.5: tasks can be skipped only while the slave is not ENABLED.
    $('skip').disabled = row.state === 'ENABLED';
  }

  // ---- chart -------------------------------------------------------------------------------

  function addSample(row) {
    const t = Date.now() / 1000;
    const finished = Number(row.lastFinishedTaskId);
    const previous = view.previous;
    const rate =
      previous === null || t <= previous.t
        ? 0
        : Math.max(0, (finished - previous.finished) / (t - previous.t));
    view.previous = { t, finished };
    const s = view.samples;
    s.t.push(t);
    s.lagTasks.push(Number(row.lagTasks));
    s.lagSeconds.push(Number(row.lagSeconds));
    s.tasksPerSec.push(rate);
    for (const series of Object.values(s)) series.splice(0, series.length - CHART_POINTS);
    drawChart();
  }

  function drawChart() {
    const s = view.samples;
    const data = [s.t, s.lagTasks, s.lagSeconds, s.tasksPerSec];
    const element = $('chart');
    element.dataset.points = String(s.t.length);
    if (view.chart !== null) {
      view.chart.setData(data);
      return;
    }
    view.chart = new uPlot(chartOptions(element.clientWidth), data, element);
    window.addEventListener('resize', () =>
      view.chart.setSize({ width: element.clientWidth, height: 240 }),
    );
  }

  function chartOptions(width) {
    const line = (label, scale, stroke, dash) => ({ label, scale, stroke, width: 2, dash });
    return {
      width,
      height: 240,
      cursor: { drag: { x: false, y: false } },
      legend: { live: false },
      scales: {
        x: { time: true, range: recentWindow },
        tasks: { range: zeroBased },
        secs: { range: zeroBased },
      },
      series: [
        {},
        line('lag (tasks)', 'tasks', '#2563eb'),
        line('lag (s)', 'secs', '#dc2626', [6, 4]),
        line('finished tasks/s', 'tasks', '#16a34a'),
      ],
      axes: [
        { stroke: '#64748b', grid: { stroke: '#e2e8f0' } },
        {
          scale: 'tasks',
          label: 'tasks · tasks/s',
          stroke: '#64748b',
          grid: { stroke: '#e2e8f0' },
        },
        { scale: 'secs', side: 1, label: 'seconds', stroke: '#64748b', grid: { show: false } },
      ],
    };
  }

  // The x scale: the samples' span, widened to the last CHART_MIN_SECONDS.
  function recentWindow(_u, min, max) {
    return [Math.min(min, max - CHART_MIN_SECONDS), max];
  }

  // A y scale from 0 to a little over the largest value, and at least 0..1 when all are 0.
  function zeroBased(_u, _min, max) {
    return [0, Math.max(1, max * 1.1)];
  }

  // ---- tables ------------------------------------------------------------------------------

  function renderTasks(tasks) {
    const failedOnly = view.role === 'slave' && $('failed-only').checked;
    const state = tasks.columns.indexOf('state');
    const rows = tasks.rows.filter((row) => !failedOnly || row[state] === 'FAILED').reverse();
    const count = failedOnly ? `${rows.length} FAILED of ${tasks.rows.length}` : rows.length;
    $('tasks-count').textContent = `(${count}, newest first)`;
    const shown = reordered({ columns: tasks.columns, rows }, TASK_COLUMNS_FIRST);
    renderTable('tasks', shown, { decorate: stateClass, key: 'taskId' });
  }

  // The table with the columns named in `first` (those it has) moved to the front.
  function reordered(answer, first) {
    const names = [
      ...first.filter((name) => answer.columns.includes(name)),
      ...answer.columns.filter((name) => !first.includes(name)),
    ];
    const order = names.map((name) => answer.columns.indexOf(name));
    return { columns: names, rows: answer.rows.map((row) => order.map((i) => row[i])) };
  }

  // Rebuilds a table only when its content changed, so a selection survives a poll.
  function renderTable(id, answer, { decorate, key } = {}) {
    const signature = JSON.stringify(answer);
    if (view.shown.get(id) === signature) return;
    view.shown.set(id, signature);
    const table = $(id);
    const head = document.createElement('thead');
    head.append(rowOf('th', answer.columns));
    const body = document.createElement('tbody');
    const keyIndex = key === undefined ? -1 : answer.columns.indexOf(key);
    for (const row of answer.rows) {
      const tr = rowOf('td', row.map(formatCell), decorate);
      if (keyIndex >= 0) tr.dataset.key = String(row[keyIndex]);
      body.append(tr);
    }
    if (answer.rows.length === 0) {
      const td = document.createElement('td');
      td.colSpan = Math.max(1, answer.columns.length);
      td.className = 'empty';
      td.textContent = 'none';
      const tr = document.createElement('tr');
      tr.append(td);
      body.append(tr);
    }
    table.replaceChildren(head, body);
  }

  function rowOf(cell, texts, decorate) {
    const tr = document.createElement('tr');
    for (const text of texts) {
      const element = document.createElement(cell);
      element.textContent = text;
      const className = decorate?.(text);
      if (className) element.className = className;
      tr.append(element);
    }
    return tr;
  }

  function rowObject(answer, index) {
    const row = answer.rows[index] ?? [];
    return Object.fromEntries(answer.columns.map((name, i) => [name, row[i]]));
  }

  // ---- formatting --------------------------------------------------------------------------

  const STATE_CLASSES = {
    ENABLED: 'ok',
    FINISHED: 'ok',
    ACTIVE: 'ok',
    CONNECTED: 'ok',
    up: 'ok',
    EXECUTING: 'busy',
    WAITING: 'idle',
    DISABLED: 'warn',
    STOPPED: 'bad',
    FAILED: 'bad',
    DISCONNECTED: 'bad',
    down: 'bad',
  };

  function stateClass(text) {
    const name = STATE_CLASSES[text];
    return name ? `state ${name}` : '';
  }

  function formatCell(value) {
    if (value === null || value === undefined) return '';
    if (typeof value === 'boolean') return value ? 'yes' : 'no';
    if (typeof value === 'number') return formatNumber(value);
    // NANOTIMESTAMP 2024.01.02T10:11:12.123456789 → 2024.01.02 10:11:12.123
    const time = /^(\d{4}\.\d\d\.\d\d)T(\d\d:\d\d:\d\d)(\.\d{3})?\d*$/.exec(value);
    return time ? `${time[1]} ${time[2]}${time[3] ?? ''}` : String(value);
  }

  function formatNumber(value) {
    const n = Number(value);
    return Number.isInteger(n) ? String(n) : String(Math.round(n * 100) / 100);
  }

  function formatBytes(value) {
    const n = Number(value);
    if (n < 1024) return `${n} B`;
    if (n < 1024 * 1024) return `${formatNumber(n / 1024)} KiB`;
    return `${formatNumber(n / 1024 / 1024)} MiB`;
  }

  function showMessage(text, isError) {
    $('message').textContent = text;
    $('message').className = isError ? 'message error' : 'message';
  }

  // ---- actions -----------------------------------------------------------------------------

  async function act(question, fn, args, done) {
    if (!confirm(question)) return;
    try {
      await call(fn, args);
      showMessage(done, false);
    } catch (error) {
      showMessage(`${fn} failed: ${error.message}`, true);
    }
    void poll();
  }

  function stop() {
    const what =
      view.role === 'master'
        ? 'Stop replication on this master? Commits made while it is stopped make no tasks and will never reach any slave.'
        : 'Stop replication on this slave? It stops pulling from the master; running tasks finish.';
    void act(what, 'stopClusterReplication', [], 'Replication stopped (DISABLED).');
  }

  function start() {
    const what =
      view.role === 'master'
        ? 'Start replication on this master?'
        : 'Start replication on this slave? Every FAILED task runs again.';
    void act(what, 'startClusterReplication', [], 'Replication started (ENABLED).');
  }

  function skip() {
    const ids = $('skip-ids')
      .value.split(/[\s,]+/)
      .filter((part) => part !== '')
      .map(Number);
    if (ids.length === 0 || !ids.every((id) => Number.isSafeInteger(id) && id > 0)) {
      showMessage('Skip: enter task ids, e.g. 4, 5', true);
      return;
    }
    const list = ids.join(', ');
    void act(
      `Skip task(s) ${list}? They count as finished without running: the slave may then differ from the master.`,
      'skipClusterReplicationTask',
      [ids],
      `Skipped task(s) ${list}.`,
    );
  }

  // ---- start -------------------------------------------------------------------------------

  $('login').addEventListener('submit', login);
  $('logout').addEventListener('click', () => void logout());
  $('stop').addEventListener('click', stop);
  $('start').addEventListener('click', start);
  $('skip').addEventListener('click', skip);
  $('failed-only').addEventListener('change', () => void poll());
  if (sessionStorage.getItem(TOKEN_KEY)) showApp();
  else $('password').focus();
})();
