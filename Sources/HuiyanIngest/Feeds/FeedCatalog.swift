// Feed schemas go here.
