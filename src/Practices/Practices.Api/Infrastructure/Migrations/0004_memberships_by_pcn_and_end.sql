-- A write describing the PCNs it touched reads their memberships still in effect on its date. By pcn_id alone that
-- meant reading every membership the PCN ever had, a cost that grew with each transfer (10,000 transfers: 2,464 rows
-- read to find 14). By (pcn_id, end) it reads those it needs. An open end is 'infinity', the form the queries use.
CREATE INDEX memberships_by_pcn_and_end ON memberships (pcn_id, COALESCE(effective_to, 'infinity'));
