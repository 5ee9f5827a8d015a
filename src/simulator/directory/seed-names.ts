/** Name material for the seeded directory: a tax-resolution firm's staff and its call queues. */

export const FIRST_NAMES = [
  'Avery', 'Beatriz', 'Caleb', 'Dana', 'Elena', 'Farid', 'Grace', 'Hector', 'Imani', 'Jonah',
  'Keiko', 'Luis', 'Marisol', 'Nathan', 'Olivia', 'Priya', 'Quentin', 'Rosa', 'Samuel', 'Tamara',
  'Umar', 'Vivian', 'Wesley', 'Ximena', 'Yusuf', 'Zoe', 'Andre', 'Bridget', 'Colin', 'Deborah',
  'Ethan', 'Fiona', 'Gavin', 'Hannah', 'Isaac', 'Julia', 'Kofi', 'Leah', 'Marcus', 'Nadia',
] as const;

export const LAST_NAMES = [
  'Abernathy', 'Baptiste', 'Castellanos', 'Delgado', 'Ekwueme', 'Fitzgerald', 'Goldberg', 'Haddad',
  'Iverson', 'Jankowski', 'Kowalczyk', 'Lindqvist', 'Marchetti', 'Nakamura', "O'Donnell", 'Petrakis',
  'Quintero', 'Rasmussen', 'Sandoval', 'Thibodeaux', 'Underwood', 'Vasquez', 'Whitfield', 'Xiong',
  'Yamamoto', 'Zimmerman', 'Albright', 'Brennan', 'Chaudhry', 'Dimitrov', 'Okafor', 'Pham',
] as const;

/** Exactly 47 distinct queue names, the default queue count. */
export const QUEUE_NAMES = [
  'Tax Resolution Team', 'Collections Desk', 'Audit Defense', 'Offer in Compromise', 'Installment Agreements',
  'Penalty Abatement', 'Payroll Tax Unit', 'Innocent Spouse Relief', 'Levy Release Desk', 'Lien Withdrawal',
  'Transcript Requests', 'Power of Attorney Desk', 'Amended Returns', 'Estimated Payments', 'Identity Theft Unit',
  'Notices and Letters', 'Trust Fund Recovery', 'Currently Not Collectible', 'Appeals Preparation', 'Exam Response',
  'Business Returns', 'Individual Returns', 'Nonfiler Compliance', 'Refund Inquiries', 'Wage Garnishment Desk',
  'Bank Levy Response', 'CP2000 Response', 'State Tax Liaison', 'Practitioner Hotline', 'Client Intake',
  'Billing and Retainers', 'Document Intake', 'Partnership Returns', 'Estate and Gift', 'Exempt Organizations',
  'International Filers', 'Digital Asset Reporting', 'Payroll Notices', 'Sales Tax Desk', 'Bookkeeping Support',
  'Quarterly Filings', 'Extension Requests', 'Priority Callbacks', 'Senior Escalations', 'After-Hours Overflow',
  'Spanish Language Line', 'Front Desk',
] as const;

export const HARD_PHONE_NAMES = ['Polycom VVX 250', 'Yealink T54W', 'Poly Edge E220', 'Cisco MPP 8841'] as const;

/** The firm's mail domain; `.example` is reserved, so no real mailbox is ever named. */
export const EMAIL_DOMAIN = 'harborline-tax.example';
