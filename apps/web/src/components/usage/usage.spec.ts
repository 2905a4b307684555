import { mount } from '@vue/test-utils';
import { describe, expect, it } from 'vitest';
import AgentBadge from './AgentBadge.vue';
import UsageSparkline from './UsageSparkline.vue';
import { formatCpu, shortTaskName } from './format';

describe('usage components', () => {
  it('says plainly when a node has no agent, with the reason on hover', () => {
    const none = mount(AgentBadge, { props: { state: 'no-agent', reason: 'no agent task runs on this node' } });
    expect(none.text()).toBe('no agent');
    expect(none.attributes('title')).toBe('no agent task runs on this node');
    expect(mount(AgentBadge, { props: { state: 'connected' } }).text()).toBe('connected');
  });

  it('draws a line scaled to the maximum and shows the latest value', () => {
    const w = mount(UsageSparkline, { props: { label: 'CPU', values: [0, 50, 100], max: 200, format: formatCpu } });
    expect(w.get('[data-testid="sparkline-latest"]').text()).toBe('100 %');
    const points = w.get('polyline').attributes('points')!.split(' ');
    expect(points).toHaveLength(3);
    // 100 of a 200 maximum sits half-way up a 40 px box
    expect(Number(points[2].split(',')[1])).toBeCloseTo(20, 0);
    expect(
      mount(UsageSparkline, { props: { label: 'CPU', values: [], format: formatCpu } })
        .find('polyline')
        .exists(),
    ).toBe(false);
  });

  it('gives a chart with no visible label a name for screen readers, and headroom above a steady line', () => {
    const w = mount(UsageSparkline, { props: { label: '', name: 'Memory of web.1', values: [100, 100], format: String } });
    expect(w.get('svg').attributes('aria-label')).toBe('Memory of web.1: 100');
    // 100 of a 110 top in a 40 px box: about 4.5 px below the edge, not on it
    expect(Number(w.get('polyline').attributes('points')!.split(' ')[0].split(',')[1])).toBeGreaterThan(3);
  });

  it('names a task without the IDs Swarm appends', () => {
    expect(shortTaskName('web.1.iptfll9mgm2askkvs5faj9div')).toBe('web.1');
    expect(shortTaskName('so_agent.2xmgpbxemutr1t8nzenhduok4.i98qveatvv2u5b1qe5dn09k3s')).toBe('so_agent');
    expect(shortTaskName('my.app.2')).toBe('my.app.2');
    expect(shortTaskName('/so_web.1.abc')).toBe('/so_web.1.abc');
  });
});
