"""SMS campaigns: recipients (segments/tags, exclusions, control group), message templates and SMS
length/cost, Decree 91/2020 checks, gateway file writers, stored campaigns and their results."""
