//! Colours and styles. With `NO_COLOR` set no colour is used, and a selection is always marked
//! with a symbol as well as a style, so it shows on every terminal.

use crate::config::Colours;
use crate::domain::{ApplicationStatus, InjectionStatus, Standing};
use ratatui::style::{Color, Modifier, Style};

/// The symbol in front of a selected row.
pub const SELECTED: &str = "▶ ";

#[derive(Debug, Clone)]
pub struct Theme {
    pub colour: bool,
    pub accent: Color,
    pub selection: Color,
    pub error: Color,
    pub success: Color,
    pub muted: Color,
}

pub fn parse_colour(name: &str) -> Option<Color> {
    let n = name
        .trim()
        .to_ascii_lowercase()
        .replace(['-', '_', ' '], "");
    if let Some(hex) = n.strip_prefix('#') {
        let v = u32::from_str_radix(hex, 16).ok()?;
        return (hex.len() == 6).then_some(Color::Rgb((v >> 16) as u8, (v >> 8) as u8, v as u8));
    }
    Some(match n.as_str() {
        "black" => Color::Black,
        "red" => Color::Red,
        "green" => Color::Green,
        "yellow" => Color::Yellow,
        "blue" => Color::Blue,
        "magenta" => Color::Magenta,
        "cyan" => Color::Cyan,
        "gray" | "grey" => Color::Gray,
        "darkgray" | "darkgrey" => Color::DarkGray,
        "lightred" => Color::LightRed,
        "lightgreen" => Color::LightGreen,
        "lightyellow" => Color::LightYellow,
        "lightblue" => Color::LightBlue,
        "lightmagenta" => Color::LightMagenta,
        "lightcyan" => Color::LightCyan,
        "white" => Color::White,
        _ => return None,
    })
}

impl Theme {
    /// Builds the theme; an unknown colour name is an error naming the key.
    pub fn new(c: &Colours, no_color: bool) -> Result<Theme, String> {
        let get = |key: &str, v: &str| {
            parse_colour(v).ok_or_else(|| format!("colours.{key}: unknown colour '{v}'"))
        };
        Ok(Theme {
            colour: !no_color,
            accent: get("accent", &c.accent)?,
            selection: get("selection", &c.selection)?,
            error: get("error", &c.error)?,
            success: get("success", &c.success)?,
            muted: get("muted", &c.muted)?,
        })
    }

    /// The theme tests and `NO_COLOR` use.
    pub fn plain() -> Theme {
        Theme {
            colour: false,
            accent: Color::Cyan,
            selection: Color::Blue,
            error: Color::LightRed,
            success: Color::Green,
            muted: Color::DarkGray,
        }
    }

    fn fg(&self, c: Color) -> Style {
        if self.colour {
            Style::new().fg(c)
        } else {
            Style::new()
        }
    }

    pub fn title(&self) -> Style {
        self.fg(self.accent).add_modifier(Modifier::BOLD)
    }

    pub fn accent(&self) -> Style {
        self.fg(self.accent)
    }

    pub fn error(&self) -> Style {
        self.fg(self.error).add_modifier(Modifier::BOLD)
    }

    pub fn success(&self) -> Style {
        self.fg(self.success)
    }

    pub fn muted(&self) -> Style {
        self.fg(self.muted)
    }

    pub fn selected(&self) -> Style {
        if self.colour {
            Style::new().bg(self.selection).add_modifier(Modifier::BOLD)
        } else {
            Style::new().add_modifier(Modifier::REVERSED)
        }
    }

    pub fn header(&self) -> Style {
        Style::new().add_modifier(Modifier::BOLD)
    }

    /// An injection's state: administered good, voided bad, scheduled marked.
    pub fn injection(&self, status: InjectionStatus) -> Style {
        match status {
            InjectionStatus::Administered => self.success(),
            InjectionStatus::Voided => self.fg(self.error),
            InjectionStatus::Scheduled => self.accent(),
        }
    }

    /// An application's state: issued good, rejected or revoked bad, waiting marked; cancelled
    /// and `None` (no application) muted.
    pub fn standing(&self, standing: Option<Standing>) -> Style {
        match standing {
            Some(Standing::ISSUED) => self.success(),
            Some(Standing::Revoked | Standing::Application(ApplicationStatus::Rejected)) => {
                self.fg(self.error)
            }
            Some(Standing::APPLIED) => self.accent(),
            _ => self.muted(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Colours;

    /// Good, bad and waiting read the same for injections and applications on every screen.
    #[test]
    fn states_are_coloured_by_what_they_mean() {
        let theme = Theme::new(&Colours::default(), false).unwrap();
        let good = theme.success();
        let bad = theme.fg(theme.error);
        let waiting = theme.accent();
        assert_eq!(theme.standing(Some(Standing::ISSUED)), good);
        assert_eq!(theme.injection(InjectionStatus::Administered), good);
        assert_eq!(theme.standing(Some(Standing::Revoked)), bad);
        let rejected = Standing::Application(ApplicationStatus::Rejected);
        assert_eq!(theme.standing(Some(rejected)), bad);
        assert_eq!(theme.injection(InjectionStatus::Voided), bad);
        assert_eq!(theme.standing(Some(Standing::APPLIED)), waiting);
        assert_eq!(theme.injection(InjectionStatus::Scheduled), waiting);
        let cancelled = Standing::Application(ApplicationStatus::Cancelled);
        assert_eq!(theme.standing(Some(cancelled)), theme.muted());
        assert_eq!(theme.standing(None), theme.muted());
        assert_ne!(good, bad);
        assert_ne!(good, waiting);
    }
}
