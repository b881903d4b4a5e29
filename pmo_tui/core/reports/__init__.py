"""Pure read-side functions: listing and card detail, history lines; timesheet, burndown
and velocity join here."""
