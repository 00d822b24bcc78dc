/**
 * The SIEM forwarder's record formats: pure functions from a SiemRecord to a destination's
 * wire shape. docs/siem.md documents every mapping and shows a sample of each.
 */
export { CEF_SEVERITY, cefExtensionEscape, cefHeaderEscape, toCef } from './cef.ts';
export { recordId, type Severity, severityOf } from './facts.ts';
export { DEFAULT_HEC_SOURCETYPE, type HecEvent, type HecOptions, toHecEvent } from './hec.ts';
export { OCSF_VERSION, type OcsfObject, type OcsfRecord, type OcsfValue, ocsfClassOf, toOcsf } from './ocsf.ts';
export {
  DEFAULT_FACILITY,
  DEFAULT_SD_ID,
  frameOctetCounting,
  type SiemFormat,
  SYSLOG_SEVERITY,
  type SyslogOptions,
  sdEscape,
  syslogPri,
  toSyslog,
} from './syslog.ts';
