// Public surface of the targets module: addresses, target specs, TargetSet, permutation,
// scope, ports and plan sizing.

export {
  formatIPv4,
  formatIPv6,
  formatIp,
  ipFamily,
  isIPv4Mapped,
  normalizeIp,
  parseIPv4,
  parseIPv6,
  parseIp,
  type ParsedIp,
} from './address.js';
export { PortSpecError, TargetSpecError, type TokenSource } from './errors.js';
export {
  formatRange,
  rangeSize,
  toRangeSet,
  type IpRange,
  type Ipv4Range,
  type Ipv6Range,
  type RangeSet,
} from './ranges.js';
export {
  buildTargetSet,
  defaultResolver,
  describeSpec,
  isHostname,
  MAX_IPV6_ENUMERATION,
  MAX_OCTET_SPEC_RANGES,
  parseSpecText,
  parseTargetSpec,
  rangeSetFromSpecs,
  lineTokens,
  splitSpecList,
  type BuildTargetSetOptions,
  type ParseTargetSpecOptions,
  type Resolver,
  type SourcedToken,
  type TargetSpec,
} from './spec.js';
export {
  DEFAULT_SPEC_FILE_LIMITS,
  readSpecFile,
  readTargetFile,
  SpecFileLimitError,
  type SpecFileLimits,
  type SpecFileProblem,
} from './spec-file.js';
export { TargetSet } from './target-set.js';
export { MAX_PERMUTATION_SIZE, Permutation, randomSeed } from './permute.js';
export {
  assertTargetsInScope,
  checkTargetsInScope,
  NEVER_SCAN,
  Scope,
  type NeverScanEntry,
  type ScopeCoverage,
  type ScopeDecision,
} from './scope.js';
export {
  COMMON_PORTS,
  formatPorts,
  MAX_PORT,
  MIN_PORT,
  NAMED_PORT_SETS,
  NMAP_SERVICES_ENV,
  NMAP_SERVICES_PATHS,
  parsePorts,
  RANSOMWARE_PORTS,
  rankNmapServices,
  RDP_PORTS,
  SMB_PORTS,
  topPorts,
  type PortOptions,
} from './ports.js';
export { CONFIRM_HOSTS_THRESHOLD, planSize, type PlanSize } from './plan.js';
