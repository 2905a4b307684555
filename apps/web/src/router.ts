import { createRouter, createWebHistory } from 'vue-router';
import { currentToken } from './stores/auth';

// every page is its own chunk
export const router = createRouter({
  history: createWebHistory(),
  routes: [
    { path: '/', name: 'dashboard', component: () => import('./pages/DashboardPage.vue') },
    { path: '/services', name: 'services', component: () => import('./pages/ServicesPage.vue') },
    { path: '/services/live/:name', name: 'live-service', component: () => import('./pages/LiveServicePage.vue'), props: true },
    { path: '/services/:name', name: 'service', component: () => import('./pages/ServiceDetailPage.vue'), props: true },
    { path: '/stacks', name: 'stacks', component: () => import('./pages/StacksPage.vue') },
    { path: '/stacks/:name', name: 'stack', component: () => import('./pages/StackDetailPage.vue'), props: true },
    { path: '/nodes', name: 'nodes', component: () => import('./pages/NodesPage.vue') },
    { path: '/nodes/:id', name: 'node', component: () => import('./pages/NodeDetailPage.vue'), props: true },
    { path: '/alerts', name: 'alerts', component: () => import('./pages/AlertsPage.vue') },
    { path: '/registry', name: 'registry', component: () => import('./pages/RegistryPage.vue') },
    { path: '/tokens', name: 'tokens', component: () => import('./pages/TokensPage.vue') },
    { path: '/audit', name: 'audit', component: () => import('./pages/AuditPage.vue') },
    { path: '/about', name: 'about', component: () => import('./pages/AboutPage.vue') },
    { path: '/login', name: 'login', component: () => import('./pages/LoginPage.vue'), meta: { public: true } },
  ],
});

router.beforeEach((to) => {
  if (!to.meta.public && !currentToken()) return { name: 'login', query: { next: to.fullPath } };
});
