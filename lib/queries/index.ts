/**
 * Every read of the query model lives in this folder, one file per area; pages, actions and
 * the worker import them from here. All functions take an optional Db as last argument (tests
 * pass their own); pages call them with none and get the process-wide client.
 */
import 'server-only';
export * from './accounts';
export * from './live';
export * from './balance-chart';
export * from './system';
export * from './events';
export * from './time-travel';
