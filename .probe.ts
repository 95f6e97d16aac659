import { loadTemplate, intrinsicName } from './infra/checks/template.ts';
import { policyStatements } from './infra/checks/iam.ts';
const t = loadTemplate(process.cwd());
const show = (r: unknown): string => {
  if (Array.isArray(r)) return r.map(show).join(', ');
  const fn = intrinsicName(r);
  if (!fn) return String(r);
  const v = (r as any)[fn];
  if (fn === 'Ref') return `!Ref ${v}`;
  if (fn === 'Fn::GetAtt') return `${v[0]}.${v[1]}`;
  if (fn === 'Fn::Sub') return String(v).replace(/arn:\$\{AWS::Partition\}:/, 'arn:…:').replace(/\$\{AWS::Region\}:\$\{AWS::AccountId\}/, '<region>:<account>');
  return JSON.stringify(r);
};
for (const s of policyStatements(t)) {
  console.log(`| ${s.owner} | ${s.statement.Sid} | ${[s.statement.Action].flat().join(', ')} | ${show(s.statement.Resource)} |`);
}
